/**
 * A message the SNS endpoint received: its subject, then the e-mail body line by line (what a
 * subscriber reads). Chat and summary messages get their own renderers when the function sends them.
 */
import { PLAIN, continuation, row, statusColour, type Style } from './style';

/** What `npm start` needs of a message the SNS endpoint received. */
export interface NotificationView {
  subject?: string;
  message: string;
  bodies?: Record<string, string>;
  messageAttributes?: Record<string, { stringValue?: string }>;
}

export function formatNotification(
  message: NotificationView,
  style: Style = PLAIN,
  options: { attributes?: boolean } = {},
): string[] {
  const subject = message.subject ?? '(no subject)';
  const status = message.messageAttributes?.status?.stringValue ?? /^\[(SUCCESS|SKIPPED|ERROR)\]/.exec(subject)?.[1];
  const colour = statusColour(status, style);
  const lines = [row('notify', style.bold(colour(subject)), style, colour)];
  if (options.attributes && message.messageAttributes) {
    const attributes = Object.entries(message.messageAttributes).map(([k, v]) => `${k}=${v.stringValue ?? ''}`);
    lines.push(continuation(style.dim(`attributes: ${attributes.join(' ')}`)));
  }
  const email = message.bodies?.email ?? message.bodies?.default ?? message.message;
  for (const line of email.split('\n'))
    lines.push(continuation(line === '' ? style.dim('|') : `${style.dim('|')} ${line}`));
  return lines;
}
