/**
 * The app as bin/ builds it (lib/app.ts), with the context `cdk synth` gives it: cdk.json plus the
 * `-c` strings of each egress mode. A deployed round-1 stack must upgrade in place, so every
 * round-1 logical id keeps its type (fixtures synthesized from round 1: default, nat, vpc), and
 * `cdk synth --strict` must pass in every mode (no warning left standing, cdk-nag clean).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { App } from 'aws-cdk-lib';
import { SynthesisMessageLevel, type CloudAssembly } from 'aws-cdk-lib/cx-api';
import { buildApp } from '../../lib/app';
import { ConfigError } from '../../lib/config';
import { cdkJsonContext, PROJECT_ROOT } from './helpers';
import nat from './fixtures/nat.json';
import out from './fixtures/out.json';
import vpc from './fixtures/vpc.json';

const EMAILS = '["ops@example.com",{"address":"oncall@example.com","statuses":["ERROR"]}]';
const VPC_EGRESS =
  '{"mode":"vpc","vpcId":"vpc-0123456789abcdef0","subnetIds":["subnet-0123456789abcdef0","subnet-0123456789abcdef1"],' +
  '"securityGroupIds":["sg-0123456789abcdef0"]}';

/** The `-c` options the round-1 fixtures were synthesized with, per mode. */
const MODES: ReadonlyArray<{ mode: string; fixture: Record<string, string>; context: Record<string, string> }> = [
  { mode: 'default', fixture: out, context: {} },
  {
    mode: 'nat',
    fixture: nat,
    context: { 'atlasSnapshot.egress': '{"mode":"nat"}', 'atlasSnapshot.notificationEmails': EMAILS },
  },
  {
    mode: 'vpc',
    fixture: vpc,
    context: { 'atlasSnapshot.egress': VPC_EGRESS, 'atlasSnapshot.notificationEmails': EMAILS },
  },
];

const outdirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'atlas-app-'));
  outdirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of outdirs) rmSync(dir, { recursive: true, force: true });
});

/** Synthesizes the app as bin/ does (cdk-nag included: a finding throws), without bundling. */
function synthApp(context: Record<string, string>): CloudAssembly {
  const app = new App({
    outdir: tempDir(),
    context: { ...cdkJsonContext(), ...context, 'aws:cdk:bundling-stacks': [] },
  });
  buildApp(app);
  return app.synth();
}

type TemplateJson = { Resources: Record<string, { Type: string }> };

describe.each(MODES)('the app with egress $mode', ({ fixture, context }) => {
  let assembly: CloudAssembly;

  beforeAll(() => {
    assembly = synthApp(context);
  });

  it('keeps every round-1 logical id with its type (new resources may be added)', () => {
    const resources = (assembly.getStackByName('AtlasSnapshotScheduler').template as TemplateJson).Resources;
    const types = Object.fromEntries(Object.entries(resources).map(([id, r]) => [id, r.Type]));

    expect(Object.keys(fixture).length).toBeGreaterThan(10);
    expect(types).toEqual(expect.objectContaining(fixture));
  });

  it('synthesizes with no warning, error or cdk-nag finding (what --strict and the nag plugin require)', () => {
    const messages = assembly.stacks.flatMap((s) => s.messages).filter((m) => m.level !== SynthesisMessageLevel.INFO);

    expect(messages.map((m) => `${m.level} ${m.id}: ${JSON.stringify(m.entry.data)}`)).toEqual([]);
  });
});

describe('the app in bin/', () => {
  it('names the stack by stackName (the construct id too, so generated names differ per stack)', () => {
    const assembly = synthApp({ 'atlasSnapshot.stackName': 'AtlasSnapshotsProd' });

    expect(assembly.stacks.map((s) => [s.id, s.stackName])).toEqual([['AtlasSnapshotsProd', 'AtlasSnapshotsProd']]);
    const resources = (
      assembly.stacks[0]!.template as TemplateJson & {
        Resources: Record<string, { Properties?: { Name?: string } }>;
      }
    ).Resources;
    const group = Object.values(resources).find((r) => r.Type === 'AWS::Scheduler::ScheduleGroup');
    expect(group?.Properties?.Name).toMatch(/^AtlasSnapshotsProd-Confirmation-ScheduleGroup-/);
  });

  it('refuses a bad configuration with a ConfigError naming the field', () => {
    const app = new App({ outdir: tempDir(), context: { ...cdkJsonContext(), 'atlasSnapshot.memorySize': '64' } });

    const build = (): unknown => buildApp(app);

    expect(build).toThrow(ConfigError);
    expect(build).toThrow(/atlasSnapshot\.memorySize .*128.*10240.*64/);
  });

  it('passes the real `cdk synth --strict` in egress mode vpc (the mode that warned in round 1)', async () => {
    const outdir = tempDir();
    const cdk = join(PROJECT_ROOT, 'node_modules', '.bin', 'cdk');
    const args = ['synth', '--strict', '-q', '--output', outdir, '-c', `atlasSnapshot.egress=${VPC_EGRESS}`];

    const run = promisify(execFile)(cdk, args, { cwd: PROJECT_ROOT, encoding: 'utf8' });

    await expect(run).resolves.toEqual(expect.objectContaining({ stdout: expect.any(String) }));
    const template = JSON.parse(
      readFileSync(join(outdir, 'AtlasSnapshotScheduler.template.json'), 'utf8'),
    ) as TemplateJson;
    expect(Object.values(template.Resources).some((r) => r.Type === 'AWS::Lambda::Function')).toBe(true);
  }, 180_000);
});
