/**
 * Where the function's code comes from: the source entry in this repository (NodejsFunction
 * bundles it), the prebuilt bundle in the installed package (a plain asset), and the same function
 * either way: runtime, architecture, handler, memory, timeout, environment, role, log group and
 * every other resource equal, only the code differs. The targets file works in both modes.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { ENV, TARGETS_FILE_NAME } from '../../lambda/snapshot/contract';
import type { Target } from '../../lambda/snapshot/types';
import {
  BUNDLE_FILE,
  FUNCTION_ENTRY,
  HANDLER,
  locateFunctionCode,
  PREBUILT_FUNCTION_DIR,
  type FunctionCode,
} from '../../lib/constructs/function-code';
import { SnapshotFunction } from '../../lib/constructs/snapshot-function';
import { namedTargets, PROJECT_ID } from '../infra/helpers';
import { assetDirectory, snapshotFunction, withoutCode, type CfnTemplate } from './support/templates';

const dirs: string[] = [];
function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const PREBUILT_SOURCE = 'exports.handler = async () => ({ results: [] });\n';

/** A directory laid out like the package's dist/function. */
function prebuiltDirectory(): string {
  const dir = join(tempDir('atlas-prebuilt-'), 'function');
  mkdirSync(dir);
  writeFileSync(join(dir, BUNDLE_FILE), PREBUILT_SOURCE);
  return dir;
}

/** The function alone in a stack, with confirmation (so the follow-up policy is there too). */
function functionStack(code: FunctionCode, targets: readonly Target[] = [{ projectId: PROJECT_ID, clusterName: 'C' }]) {
  const app = new App({ outdir: tempDir('atlas-code-'), context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'FunctionStack');
  const snapshotFunction = new SnapshotFunction(stack, 'SnapshotFunction', {
    environment: {
      secretId: 'atlas/snapshot-scheduler',
      topicArn: 'arn:aws:sns:eu-west-1:111122223333:outcomes',
      targets,
      retentionInDays: 7,
      description: 'Scheduled on-demand snapshot',
      confirmation: {
        scheduleGroupName: 'follow-ups',
        roleArn: 'arn:aws:iam::111122223333:role/follow-up',
        firstCheckMinutes: 5,
        maxHours: 12,
      },
    },
    topicKeyArns: [],
    memorySize: 512,
    timeout: Duration.seconds(120),
    logRetention: RetentionDays.THREE_MONTHS,
    code,
  });
  return { app, snapshotFunction, template: Template.fromStack(stack).toJSON() as CfnTemplate };
}

describe('locateFunctionCode', () => {
  const paths = { entry: '/repo/lambda/snapshot/index.ts', prebuiltDirectory: '/repo/dist/function' };
  const existing =
    (...files: string[]) =>
    (file: string) =>
      files.includes(file);

  it('takes the source entry when it exists (this repository keeps bundling from source)', () => {
    expect(locateFunctionCode(paths, existing(paths.entry, '/repo/dist/function/index.js'))).toEqual({
      kind: 'source',
      entry: paths.entry,
    });
  });

  it('takes the prebuilt bundle when only it exists (the installed package)', () => {
    expect(locateFunctionCode(paths, existing('/repo/dist/function/index.js'))).toEqual({
      kind: 'prebuilt',
      directory: paths.prebuiltDirectory,
    });
  });

  it('does not take a prebuilt directory without its index.js', () => {
    expect(() => locateFunctionCode(paths, existing('/repo/dist/function'))).toThrow(/code is missing/);
  });

  it('names both places when neither exists', () => {
    expect(() => locateFunctionCode(paths, existing())).toThrow(
      "The snapshot function's code is missing: neither the prebuilt bundle /repo/dist/function/index.js nor the " +
        'source entry /repo/lambda/snapshot/index.ts exists. A package must be packed with `npm pack` (its prepack ' +
        'script builds the bundle).',
    );
  });

  it('finds the source entry of this repository by default, and looks for the bundle beside lib/', () => {
    expect(locateFunctionCode()).toEqual({ kind: 'source', entry: FUNCTION_ENTRY });
    expect(PREBUILT_FUNCTION_DIR).toBe(join(__dirname, '..', '..', 'function'));
  });
});

type Synthesized = ReturnType<typeof functionStack>;

describe('the function in both modes', () => {
  let source: Synthesized;
  let prebuilt: Synthesized;
  beforeAll(() => {
    source = functionStack({ kind: 'source', entry: FUNCTION_ENTRY });
    prebuilt = functionStack({ kind: 'prebuilt', directory: prebuiltDirectory() });
  });

  it('is a NodejsFunction from source and a plain Function with the prebuilt bundle', () => {
    expect(source.snapshotFunction.function).toBeInstanceOf(NodejsFunction);
    expect(prebuilt.snapshotFunction.function).toBeInstanceOf(lambda.Function);
    expect(prebuilt.snapshotFunction.function).not.toBeInstanceOf(NodejsFunction);
  });

  it('has the same runtime, architecture, handler, memory, timeout, environment, role and log group', () => {
    const properties = snapshotFunction(withoutCode(prebuilt.template))[1].Properties;

    expect(properties).toEqual(snapshotFunction(withoutCode(source.template))[1].Properties);
    expect(properties).toMatchObject({
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: HANDLER,
      MemorySize: 512,
      Timeout: 120,
      Role: { 'Fn::GetAtt': [expect.stringMatching(/^SnapshotFunctionRole/), 'Arn'] },
      LoggingConfig: { LogGroup: { Ref: expect.stringMatching(/^SnapshotFunctionLogGroup/) } },
      Environment: { Variables: expect.objectContaining({ [ENV.secretId]: 'atlas/snapshot-scheduler' }) },
    });
    expect(HANDLER).toBe('index.handler');
  });

  it('leaves every other resource, logical id and dependency as it is', () => {
    expect(withoutCode(prebuilt.template)).toEqual(withoutCode(source.template));
  });

  it('ships exactly the prebuilt index.js as the asset', () => {
    const dir = assetDirectory(prebuilt.app.outdir, snapshotFunction(prebuilt.template)[1]);

    expect(readdirSync(dir)).toEqual([BUNDLE_FILE]);
    expect(readFileSync(join(dir, BUNDLE_FILE), 'utf8')).toBe(PREBUILT_SOURCE);
  });
});

describe('the targets file with the prebuilt bundle', () => {
  const targets = namedTargets(300);
  let bundle: string;
  let synthesized: Synthesized;
  beforeAll(() => {
    bundle = prebuiltDirectory();
    synthesized = functionStack({ kind: 'prebuilt', directory: bundle }, targets);
  });

  it('puts targets.json beside the unchanged index.js in the asset, named by ATLAS_TARGETS_FILE', () => {
    const { app, template, snapshotFunction: construct } = synthesized;
    const [, fn] = snapshotFunction(template);
    const dir = assetDirectory(app.outdir, fn);
    const variables = fn.Properties.Environment.Variables;

    expect(readdirSync(dir).sort()).toEqual([BUNDLE_FILE, TARGETS_FILE_NAME]);
    expect(readFileSync(join(dir, BUNDLE_FILE), 'utf8')).toBe(PREBUILT_SOURCE);
    expect(JSON.parse(readFileSync(join(dir, TARGETS_FILE_NAME), 'utf8'))).toEqual(targets);
    expect(variables).toMatchObject({ [ENV.targetsFile]: TARGETS_FILE_NAME });
    expect(variables).not.toHaveProperty(ENV.targets);
    expect(construct.targetsFile?.name).toBe(TARGETS_FILE_NAME);
  });

  it('leaves the package directory untouched', () => {
    expect(readdirSync(bundle)).toEqual([BUNDLE_FILE]);
  });

  it('changes the asset hash when the targets change, and keeps it when they do not', () => {
    const key = (t: CfnTemplate) => snapshotFunction(t)[1].Properties.Code.S3Key;
    const same = functionStack({ kind: 'prebuilt', directory: bundle }, targets);
    const other = functionStack({ kind: 'prebuilt', directory: bundle }, namedTargets(301));

    expect(key(same.template)).toBe(key(synthesized.template));
    expect(key(other.template)).not.toBe(key(synthesized.template));
  });
});
