/**
 * What the consumer test (test/package/consumer.test.ts) writes into the consumer app: its
 * plain-JavaScript CDK app, a script of checks, and the TypeScript of docs/construct.md's example
 * with a file of props its declarations must refuse.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AtlasSnapshotSchedulerProps } from '../../../lib';
import { namedTargets, PROJECT_ID } from '../../infra/helpers';

export const PROPS: AtlasSnapshotSchedulerProps = {
  secretName: 'atlas/snapshot-scheduler',
  targets: [{ projectId: PROJECT_ID, clusterName: '*', tags: { backup: 'nightly' } }],
  schedules: [{ name: 'nightly', expression: 'cron(0 3 * * ? *)', timezone: 'Europe/Paris' }],
  notificationEmails: ['ops@example.com'],
  chat: true,
};
export const LARGE_TARGETS = namedTargets(300);

/** The consumer's app: what a team writes (plain JavaScript), with cdk-nag's checks on. */
export const APP_JS = `const { App, Stack, Validations } = require('aws-cdk-lib');
const { AwsSolutionsChecks } = require('cdk-nag');
const { AtlasSnapshotScheduler } = require('atlas-snapshot-scheduler');

const app = new App({ outdir: process.argv[2] });
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));

const stack = new Stack(app, 'ConsumerStack');
new AtlasSnapshotScheduler(stack, 'Snapshots', ${JSON.stringify(PROPS, null, 2)});

// Too many targets for the environment: they travel in targets.json beside the prebuilt bundle.
const large = new Stack(app, 'LargeStack');
new AtlasSnapshotScheduler(large, 'Snapshots', {
  secretName: 'atlas/snapshot-scheduler',
  targets: ${JSON.stringify(LARGE_TARGETS)},
  schedules: [{ name: 'nightly', expression: 'cron(0 3 * * ? *)' }],
});

app.synth();
`;

/**
 * A bad prop (the error it throws), and cdk-nag really checking in this app: a stack with a queue
 * that allows plain HTTP must fail synthesis with the finding.
 */
export const CHECKS_JS = `const { App, Stack, Validations } = require('aws-cdk-lib');
const sqs = require('aws-cdk-lib/aws-sqs');
const { AwsSolutionsChecks } = require('cdk-nag');
const { AtlasSnapshotScheduler, ConfigError } = require('atlas-snapshot-scheduler');

const result = {};
try {
  new AtlasSnapshotScheduler(new Stack(new App(), 'Bad'), 'Snapshots', ${JSON.stringify({ ...PROPS, retentionInDays: 0 })});
  result.badProps = { threw: false };
} catch (e) {
  result.badProps = { threw: true, configError: e instanceof ConfigError, message: e.message, problems: e.problems };
}

const app = new App({ outdir: process.argv[2] });
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
new sqs.Queue(new Stack(app, 'Canary'), 'PlainQueue');
try {
  app.synth();
  result.nagCanary = { threw: false };
} catch (e) {
  result.nagCanary = { threw: true, message: e.message };
}
process.stdout.write(JSON.stringify(result));
`;

/** This repository's TypeScript compiler (the consumer installs none). */
export const TSC = require.resolve('typescript/lib/tsc.js');
/** A strict TypeScript consumer on Node's module resolution (package.json `exports`), without @types/node. */
export const EXAMPLE_TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    lib: ['ES2022'],
    module: 'nodenext',
    moduleResolution: 'nodenext',
    strict: true,
    skipLibCheck: true,
    types: [],
    rootDir: 'example',
    outDir: 'example-out',
  },
  include: ['example'],
};

/** Props the declarations must refuse (line numbers matter: the test expects errors on lines 6, 7, 8). */
export const WRONG_PROPS_TS = `import { App, Stack } from 'aws-cdk-lib';
import { AtlasSnapshotScheduler } from 'atlas-snapshot-scheduler';

const stack = new Stack(new App(), 'TypeChecks');
const schedules = [{ name: 'nightly', expression: 'rate(1 day)' }];
new AtlasSnapshotScheduler(stack, 'WrongType', { secretName: 42, targets: [], schedules });
new AtlasSnapshotScheduler(stack, 'Missing', { secretName: 's', targets: [{ projectId: 'p' }], schedules });
new AtlasSnapshotScheduler(stack, 'Unknown', { secretName: 's', targets: [], schedules, retentionDays: 7 });
`;

/** The TypeScript block under "## A complete example" in docs/construct.md. */
export function docExample(): string {
  const doc = readFileSync(join(__dirname, '..', '..', '..', 'docs', 'construct.md'), 'utf8');
  const section = doc.slice(doc.indexOf('\n## A complete example\n'));
  const block = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
  if (block === undefined || !section.startsWith('\n## A complete example')) {
    throw new Error('docs/construct.md has no TypeScript block under "## A complete example"');
  }
  return block;
}

/** What checks.js prints. */
export interface ChecksResult {
  badProps: { threw: boolean; configError?: boolean; message?: string; problems?: string[] };
  nagCanary: { threw: boolean; message?: string };
}
