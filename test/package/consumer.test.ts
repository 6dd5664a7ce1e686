/**
 * The package as another team installs it (docs/construct.md): the project copied as a clean clone
 * has it, `npm pack` there (prepack builds dist/), the tarball installed into a fresh CDK app with
 * only aws-cdk-lib and constructs (and cdk-nag, to run its checks), from the npm cache alone. The
 * consumer's plain-JavaScript app synthesizes with nothing but node on PATH (no docker) and no
 * esbuild installed, and the result is asserted: the function and its prebuilt code asset, the
 * schedules, the follow-up schedule group, the permissions, no cdk-nag finding, a bad prop named,
 * and the same stack this repository synthesizes from source, apart from the code.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ENV, TARGETS_FILE_NAME } from '../../lambda/snapshot/contract';
import { AtlasSnapshotScheduler } from '../../lib';
import { BUNDLE_FILE, HANDLER } from '../../lib/constructs/function-code';
import { FOLLOW_UP_SCHEDULE_ACTIONS } from '../../lib/constructs/snapshot-function';
import { buildFunction } from '../../scripts/build';
import {
  cleanEnvironment,
  copyProject,
  installConsumer,
  nodeOnlyBin,
  packProject,
  readManifest,
  run,
  type RunResult,
} from './support/consumer';
import {
  APP_JS,
  CHECKS_JS,
  docExample,
  EXAMPLE_TSCONFIG,
  LARGE_TARGETS,
  PROPS,
  TSC,
  WRONG_PROPS_TS,
  type ChecksResult,
} from './support/consumer-app';
import {
  assetDirectory,
  filesUnder,
  isBuiltin,
  packageName,
  readTemplate,
  requiredModules,
  resourcesOf,
  snapshotFunction,
  withoutCode,
  type CfnTemplate,
} from './support/templates';

/** Packing (a TypeScript build), an offline install of aws-cdk-lib and two synths. */
jest.setTimeout(240_000);

let work: string;
let installed: string;
let consumer: string;
let assembly: string;
let synth: RunResult;
let checks: ChecksResult;
let consumerPath: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'atlas-package-'));
  const copy = join(work, 'project');
  copyProject(copy);
  const tarball = packProject(copy, join(work, 'pack'));
  consumer = join(work, 'consumer');
  installConsumer(consumer, tarball, readManifest(copy));
  installed = join(consumer, 'node_modules', 'atlas-snapshot-scheduler');

  writeFileSync(join(consumer, 'app.js'), APP_JS);
  writeFileSync(join(consumer, 'checks.js'), CHECKS_JS);
  consumerPath = nodeOnlyBin(join(work, 'bin'));
  const env = cleanEnvironment({ PATH: consumerPath });
  assembly = join(consumer, 'cdk.out');
  synth = run('node app.js (the consumer synth)', 'node', ['app.js', assembly], { cwd: consumer, env });
  const checked = run('node checks.js', 'node', ['checks.js', join(consumer, 'checks.out')], { cwd: consumer, env });
  checks = JSON.parse(checked.stdout) as ChecksResult;
});

afterAll(() => {
  if (work !== undefined) rmSync(work, { recursive: true, force: true });
});

const template = (stack: string): CfnTemplate => readTemplate(assembly, stack);

describe('the packed tarball', () => {
  it('holds the compiled library, the prebuilt bundle, the docs and the licence, nothing else', () => {
    const files = filesUnder(installed);
    const top = [...new Set(files.map((f) => f.split('/')[0]))].sort();

    expect(top).toEqual(['CHANGELOG.md', 'LICENSE', 'README.md', 'dist', 'docs', 'package.json']);
    expect(files.filter((f) => f.startsWith('dist/function/'))).toEqual([`dist/function/${BUNDLE_FILE}`]);
    expect(files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
    expect(files.filter((f) => /test|local\/|bench|bin\//.test(f))).toEqual([]);
  });

  it('has the entry and declarations package.json points at', () => {
    const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'));

    expect(manifest).not.toHaveProperty('private');
    expect(existsSync(join(installed, manifest.main))).toBe(true);
    expect(existsSync(join(installed, manifest.types))).toBe(true);
    expect(manifest.exports['.']).toEqual({ types: `./${manifest.types}`, default: `./${manifest.main}` });
  });

  it('compiles of the function only the contract modules the library imports', () => {
    const lambda = filesUnder(join(installed, 'dist', 'lambda'));

    expect(lambda).toEqual(
      ['codes', 'contract', 'log-events', 'types', 'validation'].flatMap((m) => [
        `snapshot/${m}.d.ts`,
        `snapshot/${m}.js`,
      ]),
    );
  });

  it('requires at run time only Node built-ins, its dependencies and its peers', () => {
    const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'));
    const allowed = [...Object.keys(manifest.dependencies), ...Object.keys(manifest.peerDependencies)];
    const library = filesUnder(join(installed, 'dist')).filter((f) => f.endsWith('.js') && !f.startsWith('function/'));

    const required = library.flatMap((f) => requiredModules(join(installed, 'dist', f)));

    expect(required.length).toBeGreaterThan(0);
    expect([...new Set(required.filter((m) => !isBuiltin(m)).map(packageName))].sort()).toEqual(allowed.sort());
    expect(Object.keys(manifest.dependencies)).toEqual(['zod']);
  });

  it('ships a bundle that leaves only the AWS SDK (the runtime provides it) and Node built-ins outside', () => {
    const outside = requiredModules(join(installed, 'dist', 'function', BUNDLE_FILE)).filter((m) => !isBuiltin(m));

    expect(outside.length).toBeGreaterThan(0);
    expect(outside.every((m) => m.startsWith('@aws-sdk/'))).toBe(true);
  });

  it("ships the bundle this repository's build makes from the same sources, byte for byte", async () => {
    const rebuilt = await buildFunction(join(work, 'rebuild'));

    expect(readFileSync(join(installed, 'dist', 'function', BUNDLE_FILE)).equals(readFileSync(rebuilt))).toBe(true);
  });
});

describe('the consumer app', () => {
  it('has neither esbuild nor the bundled packages installed, and no docker on its PATH', () => {
    const modules = join(consumer, 'node_modules');

    for (const name of ['esbuild', 'axios', '@aws-sdk/client-sns', 'typescript']) {
      expect({ name, installed: existsSync(join(modules, name)) }).toEqual({ name, installed: false });
    }
    expect(readdirSync(consumerPath)).toEqual(['node']);
    expect(() =>
      run('resolve esbuild', 'node', ['-e', "require.resolve('esbuild')"], {
        cwd: consumer,
        env: cleanEnvironment({ PATH: consumerPath }),
      }),
    ).toThrow(/Cannot find module 'esbuild'/);
  });

  it('synthesizes without bundling anything', () => {
    expect(`${synth.stdout}${synth.stderr}`).not.toMatch(/Bundling|esbuild|docker/i);
  });

  it('gets the function: Node.js 24 on arm64 with the handler of the bundle', () => {
    const [, fn] = snapshotFunction(template('ConsumerStack'));

    expect(fn.Properties).toMatchObject({ Runtime: 'nodejs24.x', Architectures: ['arm64'], Handler: HANDLER });
  });

  it('gets the prebuilt bundle as the code asset, unchanged and alone', () => {
    const dir = assetDirectory(assembly, snapshotFunction(template('ConsumerStack'))[1]);

    expect(readdirSync(dir)).toEqual([BUNDLE_FILE]);
    expect(
      readFileSync(join(dir, BUNDLE_FILE)).equals(readFileSync(join(installed, 'dist', 'function', BUNDLE_FILE))),
    ).toBe(true);
  });

  it('puts the targets file beside the prebuilt bundle when the targets do not fit the environment', () => {
    const [, fn] = snapshotFunction(template('LargeStack'));
    const dir = assetDirectory(assembly, fn);

    expect(readdirSync(dir).sort()).toEqual([BUNDLE_FILE, TARGETS_FILE_NAME]);
    expect(
      readFileSync(join(dir, BUNDLE_FILE)).equals(readFileSync(join(installed, 'dist', 'function', BUNDLE_FILE))),
    ).toBe(true);
    expect(JSON.parse(readFileSync(join(dir, TARGETS_FILE_NAME), 'utf8'))).toEqual(LARGE_TARGETS);
    expect(fn.Properties.Environment.Variables[ENV.targetsFile]).toBe(TARGETS_FILE_NAME);
  });

  it('gets the schedule, running the function in its time zone', () => {
    const t = template('ConsumerStack');
    const [functionId] = snapshotFunction(t);
    const schedules = resourcesOf(t, 'AWS::Scheduler::Schedule').map(([, r]) => r.Properties);

    expect(schedules).toEqual([
      expect.objectContaining({
        ScheduleExpression: 'cron(0 3 * * ? *)',
        ScheduleExpressionTimezone: 'Europe/Paris',
        State: 'ENABLED',
        Target: expect.objectContaining({
          Arn: { 'Fn::GetAtt': [functionId, 'Arn'] },
          Input: '{"schedule":"nightly"}',
        }),
      }),
    ]);
  });

  it('gets the follow-up schedule group, and tells the function its name', () => {
    const t = template('ConsumerStack');
    const groups = resourcesOf(t, 'AWS::Scheduler::ScheduleGroup');
    const [, fn] = snapshotFunction(t);

    expect(groups).toHaveLength(1);
    expect(fn.Properties.Environment.Variables[ENV.confirmScheduleGroup]).toBe(groups[0]![1].Properties.Name);
  });

  it("gets the function's permissions: the secret, the topics, the group's schedules, the follow-up role for Scheduler only", () => {
    const t = template('ConsumerStack');
    const [, fn] = snapshotFunction(t);
    const roleId = fn.Properties.Role['Fn::GetAtt'][0];
    const groupName = resourcesOf(t, 'AWS::Scheduler::ScheduleGroup')[0]![1].Properties.Name;
    const statements = resourcesOf(t, 'AWS::IAM::Policy')
      .filter(([, p]) => p.Properties.Roles.some((r: { Ref: string }) => r.Ref === roleId))
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
    const topics = resourcesOf(t, 'AWS::SNS::Topic').map(([id]) => ({ Ref: id }));

    expect(statements).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          Action: 'secretsmanager:GetSecretValue',
          Resource: { 'Fn::Join': ['', expect.arrayContaining([':secret:atlas/snapshot-scheduler-??????'])] },
        }),
        expect.objectContaining({ Action: 'sns:Publish', Resource: expect.arrayContaining(topics) }),
        expect.objectContaining({
          Action: FOLLOW_UP_SCHEDULE_ACTIONS,
          Resource: { 'Fn::Join': ['', expect.arrayContaining([`:schedule/${groupName}/*`])] },
        }),
        expect.objectContaining({
          Action: 'iam:PassRole',
          Condition: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
        }),
      ]),
    );
    expect(topics).toHaveLength(2);
  });

  it('passes cdk-nag AwsSolutions checks with no unacknowledged finding (a finding fails that synth)', () => {
    const report = JSON.parse(readFileSync(join(assembly, 'validation-report.json'), 'utf8'));

    expect(report.pluginReports).toEqual([]);
  });

  it('really runs cdk-nag: a queue that allows plain HTTP fails the same kind of synth', () => {
    expect(checks.nagCanary.threw).toBe(true);
    expect(checks.nagCanary.message).toMatch(/AwsSolutions-SQS4/);
  });

  it("refuses a bad prop with the package's ConfigError, naming the prop, the value and what is allowed", () => {
    expect(checks.badProps).toMatchObject({ threw: true, configError: true });
    expect(checks.badProps.problems).toEqual([expect.stringMatching(/^props\.retentionInDays must be .*, got 0$/)]);
    expect(checks.badProps.message).toMatch(/^Invalid props configuration:\n {2}- props\.retentionInDays /);
  });

  it('synthesizes the stack this repository synthesizes from source with the same props, apart from the code', () => {
    const app = new App({ outdir: join(work, 'source-synth'), context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new Stack(app, 'ConsumerStack');
    new AtlasSnapshotScheduler(stack, 'Snapshots', PROPS);
    const fromSource = Template.fromStack(stack).toJSON() as CfnTemplate;

    expect(withoutCode(template('ConsumerStack'))).toEqual(withoutCode(fromSource));
  });
});

describe('the TypeScript example of docs/construct.md, in the consumer app', () => {
  let exampleAssembly: string;
  let typeErrors: string[];
  beforeAll(() => {
    const example = join(consumer, 'example');
    mkdirSync(example);
    writeFileSync(join(example, 'example.ts'), docExample());
    writeFileSync(join(example, 'wrong-props.ts'), WRONG_PROPS_TS);
    writeFileSync(join(consumer, 'tsconfig.json'), JSON.stringify(EXAMPLE_TSCONFIG, null, 2));
    const env = cleanEnvironment({ PATH: consumerPath });
    // wrong-props.ts must not compile, so tsc exits 1; it still writes example.js.
    const tsc = spawnSync('node', [TSC, '-p', 'tsconfig.json', '--pretty', 'false'], {
      cwd: consumer,
      env,
      encoding: 'utf8',
    });
    typeErrors = `${tsc.stdout}${tsc.stderr}`.split('\n').filter((line) => / error TS\d+:/.test(line));
    exampleAssembly = join(consumer, 'example.out');
    // As the CDK CLI runs an app: CDK_OUTDIR set, the App synthesizes when the program ends.
    run('node example.js', 'node', [join('example-out', 'example.js')], {
      cwd: consumer,
      env: { ...env, CDK_OUTDIR: exampleAssembly },
    });
  });

  it('compiles in strict mode against the installed declarations', () => {
    expect(typeErrors.filter((line) => !line.startsWith('example/wrong-props.ts'))).toEqual([]);
  });

  it('gets real types from the declarations: a wrong, a missing and an unknown field are compile errors', () => {
    const found = typeErrors.map((line) =>
      /^example\/wrong-props\.ts\((\d+),\d+\): error (TS\d+)/.exec(line)?.slice(1),
    );

    expect(found).toEqual([
      ['6', 'TS2322'],
      ['7', 'TS2741'],
      ['8', 'TS2561'],
    ]);
    expect(typeErrors.join('\n')).toMatch(/'clusterName' is missing/);
    expect(typeErrors.join('\n')).toMatch(
      /'retentionDays' does not exist .* Did you mean to write 'retentionInDays'\?/,
    );
  });

  it('synthesizes, with the construct and the additions it shows', () => {
    const t = JSON.parse(readFileSync(join(exampleAssembly, 'DatabaseBackups.template.json'), 'utf8')) as CfnTemplate;
    const subscriptions = resourcesOf(t, 'AWS::SNS::Subscription').map(([, r]) => r.Properties);

    expect(snapshotFunction(t)[1].Properties).toMatchObject({ Runtime: 'nodejs24.x', Handler: HANDLER });
    expect(subscriptions).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          Protocol: 'sqs',
          FilterPolicy: { stage: ['confirmation'] },
          RawMessageDelivery: true,
        }),
      ]),
    );
    expect(resourcesOf(t, 'AWS::CloudWatch::Alarm').map(([, r]) => r.Properties.MetricName)).toContain('Throttles');
  });
});
