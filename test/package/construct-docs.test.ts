/**
 * docs/construct.md stays true: its props reference is what scripts/props-reference.ts generates
 * from lib/config/types.ts, covering exactly the construct's props; its table of exposed
 * properties names every public member of the construct and nothing else; and its promise that a
 * stack deployed by the app can be adopted with the construct id `Default` holds. (Its TypeScript
 * example is compiled and synthesized against the packed package in consumer.test.ts.)
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import ts from 'typescript';
import { AtlasSnapshotScheduler, type AtlasSnapshotSchedulerProps } from '../../lib';
import { AtlasSnapshotStack } from '../../lib/atlas-snapshot-stack';
import {
  BEGIN_MARKER,
  CONSTRUCT_DOC,
  documentedPropNames,
  END_MARKER,
  interfaceProps,
  propsReference,
  replaceBlock,
} from '../../scripts/props-reference';
import { config, PROJECT_ROOT } from '../infra/helpers';

/** Synthesizes two stacks (aws-cdk-lib loaded first). */
jest.setTimeout(60_000);

/** Every prop of the construct, checked by the compiler: a prop added or removed breaks this list. */
const PROP_NAMES = {
  secretName: true,
  secretKmsKeyArn: true,
  targets: true,
  schedules: true,
  retentionInDays: true,
  description: true,
  notificationEmails: true,
  existingTopicArn: true,
  existingTopicKmsKeyArn: true,
  atlasBaseUrl: true,
  timeoutSeconds: true,
  logRetentionInDays: true,
  alarmGraceMinutes: true,
  egress: true,
  confirmation: true,
  promotion: true,
  summary: true,
  memorySize: true,
  concurrency: true,
  chat: true,
} as const satisfies Record<keyof AtlasSnapshotSchedulerProps, true>;

const doc = (): string => readFileSync(CONSTRUCT_DOC, 'utf8');

/** The lines of the section under `## heading`, up to the next `## `. */
function section(markdown: string, heading: string): string[] {
  const lines = markdown.split('\n');
  const start = lines.indexOf(`## ${heading}`);
  if (start < 0) throw new Error(`no section "## ${heading}"`);
  const end = lines.findIndex((line, i) => i > start && line.startsWith('## '));
  return lines.slice(start + 1, end < 0 ? undefined : end);
}

/** The public members of a class declared in `file` (fields, getters, methods; no constructor). */
function publicMembers(file: string, className: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
  const declaration = source.statements.find(
    (s): s is ts.ClassDeclaration => ts.isClassDeclaration(s) && s.name?.text === className,
  );
  if (declaration === undefined) throw new Error(`no class ${className} in ${file}`);
  const hidden = [ts.SyntaxKind.PrivateKeyword, ts.SyntaxKind.ProtectedKeyword];
  return declaration.members
    .filter((m) => !ts.isConstructorDeclaration(m) && m.name !== undefined)
    .filter((m) => !(ts.getModifiers(m as ts.HasModifiers) ?? []).some((mod) => hidden.includes(mod.kind)))
    .map((m) => `${m.name!.getText(source)}${ts.isMethodDeclaration(m) ? '()' : ''}`);
}

describe('the props reference of docs/construct.md', () => {
  it('is what the generator makes from lib/config/types.ts (run `npm run docs:props` after changing the props)', () => {
    const current = doc();
    const block = current.slice(current.indexOf(BEGIN_MARKER), current.indexOf(END_MARKER) + END_MARKER.length);

    expect(block).toBe(propsReference());
  });

  it("lists exactly the construct's props", () => {
    expect([...documentedPropNames()].sort()).toEqual(Object.keys(PROP_NAMES).sort());
  });

  it('shows every prop as a row of the table', () => {
    for (const name of Object.keys(PROP_NAMES)) {
      expect({ name, row: doc().includes(`| \`${name}\` |`) }).toEqual({ name, row: true });
    }
  });
});

describe('the generator', () => {
  const source = (text: string) => ts.createSourceFile('types.ts', text, ts.ScriptTarget.ES2022, true);

  it('reads name, type, optionality and JSDoc of each field, in order', () => {
    const props = interfaceProps(
      source(
        'interface P {\n  /** First, on\n   * two lines. */\n  readonly a: string | false;\n  /** Second. */\n  b?: number;\n}',
      ),
      'P',
    );

    expect(props).toEqual([
      { name: 'a', type: 'string | false', optional: false, doc: 'First, on two lines.' },
      { name: 'b', type: 'number', optional: true, doc: 'Second.' },
    ]);
  });

  it('refuses a field without JSDoc, rather than leave a blank in the reference', () => {
    expect(() => interfaceProps(source('interface P {\n  a: string;\n}'), 'P')).toThrow('P.a has no JSDoc');
  });

  it('refuses an interface that extends another (its inherited fields would be missing)', () => {
    expect(() => interfaceProps(source('interface Q { /** q */ q: string }\ninterface P extends Q {}'), 'P')).toThrow(
      'P extends another type',
    );
  });

  it('replaces only the block between the markers, and needs exactly one pair', () => {
    const text = `before\n${BEGIN_MARKER}\nold\n${END_MARKER}\nafter\n`;

    expect(replaceBlock(text, 'NEW')).toBe('before\nNEW\nafter\n');
    expect(() => replaceBlock('no markers', 'NEW')).toThrow(/must hold the markers/);
    expect(() => replaceBlock(`${text}${BEGIN_MARKER}`, 'NEW')).toThrow(/must hold the markers/);
  });
});

describe('"Install" in docs/construct.md', () => {
  it("names each peer dependency with package.json's range", () => {
    const manifest = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as {
      peerDependencies: Record<string, string>;
    };
    const install = section(doc(), 'Install').join('\n');

    for (const [name, range] of Object.entries(manifest.peerDependencies)) {
      expect(install).toContain(`\`${name}\` (\`${range}\`)`);
    }
  });
});

describe('"What it exposes" in docs/construct.md', () => {
  it('names every public member of AtlasSnapshotScheduler, and nothing else', () => {
    const rows = section(doc(), 'What it exposes')
      .map((line) => /^\| `([^`]+)` \|/.exec(line)?.[1])
      .filter((name): name is string => name !== undefined);
    const members = publicMembers(
      join(PROJECT_ROOT, 'lib', 'constructs', 'atlas-snapshot-scheduler.ts'),
      'AtlasSnapshotScheduler',
    );

    expect([...rows].sort()).toEqual([...members].sort());
  });
});

describe('adopting a stack deployed by the app', () => {
  it('keeps every resource and logical id with the construct id Default in a stack of the same name', () => {
    const props = config();
    const appTemplate = Template.fromStack(
      new AtlasSnapshotStack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), props.stackName, {
        config: props,
        stackName: props.stackName,
      }),
    ).toJSON();
    const consumer = new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), props.stackName);
    const { stackName: _stackName, ...constructProps } = props;
    new AtlasSnapshotScheduler(consumer, 'Default', constructProps);
    const strip = (resources: Record<string, { Metadata?: unknown }>) =>
      Object.fromEntries(Object.entries(resources).map(([id, { Metadata: _m, ...rest }]) => [id, rest]));

    expect(strip(Template.fromStack(consumer).toJSON().Resources)).toEqual(strip(appTemplate.Resources));
  });
});
