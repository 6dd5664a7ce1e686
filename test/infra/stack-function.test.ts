/**
 * The function's operational knobs and what the stack writes for it: memorySize, concurrency, the
 * targets file in the bundle when the list does not fit the environment, promotion by default and
 * per schedule.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Template } from 'aws-cdk-lib/assertions';
import { ENV, TARGETS_FILE_NAME } from '../../lambda/snapshot/contract';
import { environmentBytes, LAMBDA_ENVIRONMENT_LIMIT_BYTES } from '../../lib/function-environment';
import { namedTargets, synthStack } from './helpers';

type FunctionResource = {
  Properties: {
    MemorySize: number;
    Timeout: number;
    Code: { S3Key: string };
    Environment: { Variables: Record<string, unknown> };
  };
};

function snapshotFunction(template: Template): FunctionResource {
  const functions = Object.values(template.findResources('AWS::Lambda::Function')) as FunctionResource[];
  const found = functions.filter((f) => ENV.secretId in f.Properties.Environment.Variables);
  expect(found).toHaveLength(1);
  return found[0]!;
}

describe('memorySize and concurrency', () => {
  it('sets the configured memory and ATLAS_CONCURRENCY', () => {
    const fn = snapshotFunction(synthStack({ memorySize: 512, concurrency: 16 }).template);

    expect(fn.Properties.MemorySize).toBe(512);
    expect(fn.Properties.Environment.Variables[ENV.concurrency]).toBe('16');
  });

  it('keeps 1024 MB and sets no ATLAS_CONCURRENCY for the defaults', () => {
    const fn = snapshotFunction(synthStack().template);

    expect(fn.Properties.MemorySize).toBe(1024);
    expect(fn.Properties.Environment.Variables).not.toHaveProperty(ENV.concurrency);
  });
});

describe('300 targets: the targets file in the bundle', () => {
  const targets = namedTargets(300);
  let fn: FunctionResource;
  let assetDir: string;

  beforeAll(() => {
    const { app, template } = synthStack({ targets }, { bundle: true });
    fn = snapshotFunction(template);
    assetDir = join(app.outdir, `asset.${fn.Properties.Code.S3Key.replace(/\.zip$/, '')}`);
  });

  it('names the file in ATLAS_TARGETS_FILE and leaves ATLAS_TARGETS out', () => {
    expect(fn.Properties.Environment.Variables[ENV.targetsFile]).toBe(TARGETS_FILE_NAME);
    expect(fn.Properties.Environment.Variables).not.toHaveProperty(ENV.targets);
  });

  it('puts targets.json with exactly the targets next to index.js', () => {
    expect(readdirSync(assetDir).sort()).toEqual(['index.js', TARGETS_FILE_NAME]);
    expect(JSON.parse(readFileSync(join(assetDir, TARGETS_FILE_NAME), 'utf8'))).toEqual(targets);
  });

  it('keeps the environment within 4 KB', () => {
    const variables = fn.Properties.Environment.Variables;
    const literal = Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, JSON.stringify(v)]));

    expect(environmentBytes(literal)).toBeLessThan(LAMBDA_ENVIRONMENT_LIMIT_BYTES);
  });

  it('changes the asset hash when the targets change (a deploy uploads the new list)', () => {
    const other = snapshotFunction(synthStack({ targets: namedTargets(301) }, { bundle: true }).template);

    expect(other.Properties.Code.S3Key).not.toBe(fn.Properties.Code.S3Key);
  });
});

describe('promotion', () => {
  it('sets SNAPSHOT_PROMOTION from the default and sends each schedule its own promotion or false', () => {
    const { template } = synthStack({
      promotion: { weeks: 8, months: 12, timezone: 'Europe/Kyiv' },
      schedules: [
        { name: 'nightly', expression: 'cron(0 3 * * ? *)' },
        { name: 'yearly-keep', expression: 'cron(0 4 1 * ? *)', promotion: { years: 7 } },
        { name: 'scratch', expression: 'rate(6 hours)', promotion: false },
      ],
    });

    expect(snapshotFunction(template).Properties.Environment.Variables[ENV.promotion]).toBe(
      '{"weeks":8,"months":12,"years":0,"timezone":"Europe/Kyiv"}',
    );
    const inputs = Object.values(template.findResources('AWS::Scheduler::Schedule')).map(
      (s) => JSON.parse((s as { Properties: { Target: { Input: string } } }).Properties.Target.Input) as unknown,
    );
    expect(inputs).toEqual([
      { schedule: 'nightly' },
      { schedule: 'yearly-keep', promotion: { weeks: 0, months: 0, years: 7, timezone: 'UTC' } },
      { schedule: 'scratch', promotion: false },
    ]);
  });

  it('sets no SNAPSHOT_PROMOTION without a default', () => {
    expect(snapshotFunction(synthStack().template).Properties.Environment.Variables).not.toHaveProperty(ENV.promotion);
  });
});
