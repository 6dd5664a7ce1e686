/**
 * Chat messages (docs/notifications.md, "Chat"): the same notices, for a topic that Amazon Q Developer
 * in chat applications (AWS Chatbot) forwards to Slack, Microsoft Teams or Chime channels. They follow
 * its custom notification schema, version "1.0" ("Custom notifications using Amazon Q Developer in chat
 * applications"): `version` and `source` are required and fixed, `content.description` carries the
 * text (markdown, `textType` "client-markdown"), the rest is optional. Published as a plain message
 * (no MessageStructure) with the same attributes as the outcome topic's messages.
 *
 * The schema sets no length limits; ours (CHAT_LIMITS) keep every field well inside what chat clients
 * render (Slack shows at most 3,000 characters of a section's text).
 */
import type { Notice, Outcome, RunSummary } from '../types';
import { isPlainObject } from '../validation';
import { adviceFor, summaryAdvice } from './advice';
import { capList, capText, entryBytes } from './budget';
import type { WhereToLook } from './context';
import { attributesFor, formatBytes, formatDuration, subjectFor, type FormattedEntry } from './format';

export const CHAT_LIMITS = {
  id: 128,
  title: 250,
  description: 3_000,
  nextSteps: 5,
  nextStep: 1_000,
  keywords: 10,
  keyword: 50,
  threadId: 128,
  summary: 250,
  eventType: 100,
  relatedResources: 10,
  relatedResource: 1_024,
  additionalContext: 20,
  additionalContextValue: 500,
} as const;

/** Lines of a summary's description before "... and N more". */
const SUMMARY_CHAT_LINES = 15;

export interface ChatMessage {
  version: '1.0';
  source: 'custom';
  id?: string;
  content: {
    textType: 'client-markdown';
    title: string;
    description: string;
    nextSteps?: string[];
    keywords?: string[];
  };
  metadata?: {
    threadId?: string;
    summary?: string;
    eventType?: string;
    relatedResources?: string[];
    additionalContext?: Record<string, string>;
  };
}

function clusterText(o: Pick<Outcome, 'projectId' | 'clusterName'>): string {
  if (!o.clusterName) return 'the configured targets';
  return `\`${o.clusterName}\`${o.projectId ? ` (project \`${o.projectId}\`)` : ''}`;
}

function outcomeDescription(o: Outcome, where: WhereToLook): string {
  const facts = [
    ...(o.storageSizeBytes !== undefined ? [`size ${formatBytes(o.storageSizeBytes)}`] : []),
    ...(o.durationSeconds !== undefined ? [`${formatDuration(o.durationSeconds)} after the request`] : []),
    ...(o.promotedTo ? [`kept ${o.promotedTo.retentionValue} ${o.promotedTo.retentionUnit.toLowerCase()}`] : []),
  ];
  const lines = [
    `*What happened:* \`${o.code}\`${o.httpStatus ? ` (HTTP ${o.httpStatus})` : ''}${o.detail ? `: ${o.detail}` : ''}`,
    `*Cluster:* ${clusterText(o)}`,
    ...(o.snapshotId ? [`*Snapshot:* \`${o.snapshotId}\`${o.snapshotStatus ? ` (${o.snapshotStatus})` : ''}`] : []),
    ...(facts.length > 0 ? [`*Facts:* ${facts.join(', ')}`] : []),
    ...(o.followUpAt ? [`*Completion check:* ${o.followUpAt}`] : []),
    ...(o.warnings && o.warnings.length > 0
      ? ['*Warnings:*', ...capList(o.warnings, 5).map((w) => `• ${capText(w, 300)}`)]
      : []),
    `*Run:* ${o.trigger}${o.dryRun ? ' (dry run)' : ''}, ${o.stage}, request id \`${o.invocationId}\``,
    ...(where.logUrl ? [`*Log:* ${where.logUrl}`] : []),
  ];
  return lines.join('\n');
}

function summaryDescription(s: RunSummary, where: WhereToLook): string {
  const notSuccess = s.targets.filter((t) => t.status !== 'SUCCESS');
  const listed = notSuccess.slice(0, SUMMARY_CHAT_LINES);
  const more = notSuccess.length - listed.length + (s.omittedTargets ?? 0);
  const lines = [
    `*${s.detail}*`,
    ...listed.map((t) => `• ${t.status} \`${t.code}\` ${clusterText(t)}`),
    ...(more > 0 ? [`• ... and ${more} more (every target is in the e-mail summary and the log)`] : []),
    `*Run:* ${s.trigger}${s.dryRun ? ' (dry run)' : ''}, request id \`${s.invocationId}\``,
    ...(where.logUrl ? [`*Log:* ${where.logUrl}`] : []),
  ];
  return lines.join('\n');
}

function threadIdOf(n: Notice): string | undefined {
  if (n.stage === 'summary') return undefined;
  if (n.snapshotId) return `atlas-snapshot-${n.snapshotId}`;
  if (n.projectId && n.clusterName) return `atlas-cluster-${n.projectId}-${n.clusterName}`;
  return undefined;
}

function contextOf(n: Notice, where: WhereToLook): Record<string, string> {
  const values: Record<string, string | undefined> = {
    projectId: n.stage === 'summary' ? undefined : n.projectId,
    clusterName: n.stage === 'summary' ? undefined : n.clusterName,
    snapshotId: n.stage === 'summary' ? undefined : n.snapshotId,
    stage: n.stage,
    trigger: n.trigger,
    invocationId: n.invocationId,
    account: where.account,
    region: where.region,
    functionName: where.functionName,
    timestamp: n.timestamp,
  };
  const context: Record<string, string> = {};
  for (const [key, value] of Object.entries(values)) {
    if (value) context[key] = capText(value, CHAT_LIMITS.additionalContextValue - 40);
  }
  return context;
}

/** The notice as an Amazon Q Developer custom notification (within CHAT_LIMITS). */
export function chatMessage(n: Notice, where: WhereToLook): ChatMessage {
  const description = n.stage === 'summary' ? summaryDescription(n, where) : outcomeDescription(n, where);
  const advice = n.stage === 'summary' ? summaryAdvice(n) : adviceFor(n);
  const threadId = threadIdOf(n);
  const scope = n.stage === 'summary' ? 'summary' : `${n.projectId ?? '-'}:${n.clusterName ?? '-'}`;
  return {
    version: '1.0',
    source: 'custom',
    id: capText(`${n.invocationId}:${n.stage}:${scope}`, CHAT_LIMITS.id - 40),
    content: {
      textType: 'client-markdown',
      title: capText(subjectFor(n), CHAT_LIMITS.title - 40),
      description: capText(description, CHAT_LIMITS.description - 40),
      nextSteps: [capText(advice, CHAT_LIMITS.nextStep - 40)],
      keywords: [n.status, n.code, n.stage].map((k) => capText(k, CHAT_LIMITS.keyword - 30)),
    },
    metadata: {
      ...(threadId ? { threadId: capText(threadId, CHAT_LIMITS.threadId - 40) } : {}),
      summary: capText(subjectFor(n), CHAT_LIMITS.summary - 40),
      eventType: capText(n.code, CHAT_LIMITS.eventType - 30),
      ...(where.functionArn ? { relatedResources: [where.functionArn] } : {}),
      additionalContext: contextOf(n, where),
    },
  };
}

/** The chat topic's entry for a notice: a plain JSON message with the outcome topic's attributes. */
export function formatChat(n: Notice, where: WhereToLook): FormattedEntry {
  const entry = { message: JSON.stringify(chatMessage(n, where)), attributes: attributesFor(n) };
  return { ...entry, bytes: entryBytes(entry) };
}

function checkString(value: unknown, field: string, max: number, problems: string[], required = false): void {
  if (value === undefined && !required) return;
  if (typeof value !== 'string' || value.length === 0) problems.push(`${field} must be a non-empty string`);
  else if (value.length > max) problems.push(`${field} is ${value.length} characters (at most ${max})`);
}

function checkStrings(value: unknown, field: string, count: number, max: number, problems: string[]): void {
  if (value === undefined) return;
  if (!Array.isArray(value)) {
    problems.push(`${field} must be an array of strings`);
    return;
  }
  if (value.length > count) problems.push(`${field} has ${value.length} items (at most ${count})`);
  value.forEach((item, i) => checkString(item, `${field}[${i}]`, max, problems, true));
}

function checkMetadata(metadata: unknown, problems: string[]): void {
  if (metadata === undefined) return;
  if (!isPlainObject(metadata)) {
    problems.push('metadata must be an object');
    return;
  }
  checkString(metadata.threadId, 'metadata.threadId', CHAT_LIMITS.threadId, problems);
  checkString(metadata.summary, 'metadata.summary', CHAT_LIMITS.summary, problems);
  checkString(metadata.eventType, 'metadata.eventType', CHAT_LIMITS.eventType, problems);
  const L = CHAT_LIMITS;
  checkStrings(metadata.relatedResources, 'metadata.relatedResources', L.relatedResources, L.relatedResource, problems);
  const context = metadata.additionalContext;
  if (context === undefined) return;
  if (!isPlainObject(context)) {
    problems.push('metadata.additionalContext must be an object of strings');
    return;
  }
  const entries = Object.entries(context);
  if (entries.length > L.additionalContext) {
    problems.push(`metadata.additionalContext has ${entries.length} keys (at most ${L.additionalContext})`);
  }
  for (const [key, value] of entries) {
    checkString(value, `metadata.additionalContext.${key}`, L.additionalContextValue, problems, true);
  }
}

/** Problems of a custom notification against the schema (version 1.0) and CHAT_LIMITS; empty = valid. */
export function validateChatMessage(value: unknown): string[] {
  if (!isPlainObject(value)) return ['the message must be a JSON object'];
  const problems: string[] = [];
  const known = ['version', 'source', 'id', 'content', 'metadata'];
  for (const key of Object.keys(value)) if (!known.includes(key)) problems.push(`${key} is not a field of the schema`);
  if (value.version !== '1.0') problems.push('version must be "1.0"');
  if (value.source !== 'custom') problems.push('source must be "custom"');
  checkString(value.id, 'id', CHAT_LIMITS.id, problems);
  const content = value.content;
  if (!isPlainObject(content)) {
    problems.push('content must be an object');
  } else {
    if (content.textType !== undefined && content.textType !== 'client-markdown') {
      problems.push('content.textType must be "client-markdown" (the only type supported)');
    }
    checkString(content.title, 'content.title', CHAT_LIMITS.title, problems);
    checkString(content.description, 'content.description', CHAT_LIMITS.description, problems, true);
    checkStrings(content.nextSteps, 'content.nextSteps', CHAT_LIMITS.nextSteps, CHAT_LIMITS.nextStep, problems);
    checkStrings(content.keywords, 'content.keywords', CHAT_LIMITS.keywords, CHAT_LIMITS.keyword, problems);
  }
  checkMetadata(value.metadata, problems);
  return problems;
}
