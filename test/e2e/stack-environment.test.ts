/**
 * The bundle with exactly what the stack gives it: a second `atlasSnapshot` configuration,
 * synthesized by `cdk synth` into its own outdir (global setup), runs with its template's function
 * variables (deploy-time values replaced by the local stand-ins') and is invoked with its template's
 * schedule input. And a target list too large for Lambda's 4 KB environment, placed in a targets
 * file by the stack's own placement rule (lib/function-environment.ts) and read by the bundle.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEMO_PROJECT_ID } from '../../local/atlas-sim';
import { LOCAL_DESCRIPTION, LOCAL_SECRET_NAME, SCHEDULED_EVENT } from '../../local/harness';
import { readSynthesizedFunction } from '../../local/lambda/bundle';
import { functionEnvironment } from '../../lib/function-environment';
import { ENV, TARGETS_FILE_NAME } from '../../lambda/snapshot/contract';
import { SECOND_CONFIG, SECOND_OUTDIR } from './configs';
import { bundlePath, localRuns, results, stage } from './support';

jest.setTimeout(60_000);

const start = localRuns();

describe('the environment the stack gives the function', () => {
  it('a second configuration, synthesized into its own outdir: its variables, its schedule input, its defaults', async () => {
    const synthesized = readSynthesizedFunction(SECOND_OUTDIR);
    expect(synthesized.variables).toMatchObject({
      [ENV.secretId]: SECOND_CONFIG.secretName,
      [ENV.retentionDays]: '14',
      [ENV.description]: SECOND_CONFIG.description,
      [ENV.targets]: JSON.stringify(SECOND_CONFIG.targets),
    });
    expect(typeof synthesized.variables[ENV.topicArn]).toBe('object');
    const r = await start({
      bundlePath: synthesized.bundlePath,
      preset: 'many-projects',
      stackEnvironment: synthesized.variables,
    });
    expect(r.env[ENV.topicArn]).toBe(r.topicArn);
    const [input] = synthesized.scheduleInputs;

    const scheduled = await r.fn.invoke(JSON.parse(input!));
    const manual = await r.fn.invoke({ targets: [{ projectId: DEMO_PROJECT_ID, clusterName: 'Analytics' }] });

    expect(scheduled.ok).toBe(true);
    const requested = results(scheduled).filter((o) => o.code === 'SNAPSHOT_REQUESTED');
    expect(requested.map((o) => o.clusterName).sort()).toEqual(
      ['Cluster0', 'Payments0', 'Reporting0', 'SearchSharded'].sort(),
    );
    expect(requested.every((o) => o.trigger === 'schedule')).toBe(true);
    // The follow-ups go to the group the template names (a name fixed at synth), one per request.
    const groups = r.aws.scheduler.schedules().map((s) => s.groupName);
    expect(groups).toEqual(Array(5).fill(synthesized.variables[ENV.confirmScheduleGroup]));
    const takes = r.sim.log.entries({ endpoint: 'takeSnapshot' });
    expect(takes.slice(0, -1).map((e) => e.body)).toEqual(
      Array(4).fill({ retentionInDays: 30, description: 'Weekly snapshot (e2e second config)' }),
    );
    expect(takes.at(-1)?.body).toEqual({ retentionInDays: 14, description: SECOND_CONFIG.description });
    expect(results(manual)).toEqual([expect.objectContaining({ clusterName: 'Analytics', trigger: 'manual' })]);
    expect(stage(r, 'request').length).toBeGreaterThanOrEqual(5);
  });

  it('210 targets do not fit 4 KB: the stack places them in a targets file at the code root, and the bundle reads them', async () => {
    const targets = Array.from({ length: 210 }, (_, i) => ({
      projectId: DEMO_PROJECT_ID,
      clusterName: `Fleet${String(i).padStart(3, '0')}`,
    }));
    const placed = functionEnvironment({
      secretId: LOCAL_SECRET_NAME,
      topicArn: 'arn:aws:sns:us-east-1:123456789012:placeholder',
      targets,
      retentionInDays: 7,
      description: LOCAL_DESCRIPTION,
      confirmation: {
        scheduleGroupName: 'placeholder',
        roleArn: 'arn:aws:iam::123456789012:role/placeholder',
        deadLetterArn: 'arn:aws:sqs:us-east-1:123456789012:placeholder',
        firstCheckMinutes: 5,
        maxHours: 12,
      },
    });
    expect(placed.targetsFile?.name).toBe(TARGETS_FILE_NAME);
    expect(placed.variables).not.toHaveProperty(ENV.targets);
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'atlas-snapshot-targets-'));
    try {
      fs.cpSync(path.dirname(bundlePath()), root, { recursive: true });
      fs.writeFileSync(path.join(root, placed.targetsFile!.name), placed.targetsFile!.json);
      const r = await start({
        bundlePath: path.join(root, 'index.js'),
        // What the template holds until deploy: tokens.
        stackEnvironment: {
          ...placed.variables,
          [ENV.topicArn]: { Ref: 'NotificationsTopic' },
          [ENV.confirmScheduleGroup]: { Ref: 'ScheduleGroup' },
          [ENV.confirmRoleArn]: { 'Fn::GetAtt': ['FollowUpRole', 'Arn'] },
          [ENV.confirmDeadLetterArn]: { 'Fn::GetAtt': ['FollowUpDeadLetterQueue', 'Arn'] },
        },
      });
      for (const { clusterName } of targets) r.sim.addCluster(DEMO_PROJECT_ID, { name: clusterName });

      const invocation = await r.fn.invoke(SCHEDULED_EVENT);

      expect(r.env[ENV.targetsFile]).toBe(TARGETS_FILE_NAME);
      expect(invocation.ok).toBe(true);
      expect(invocation.result).toMatchObject({
        counts: { SUCCESS: 210, SKIPPED: 0, ERROR: 0 },
        omittedResults: 110,
      });
      expect(results(invocation)).toHaveLength(100);
      expect(r.sim.log.entries({ endpoint: 'takeSnapshot', status: 200 })).toHaveLength(210);
      expect(stage(r, 'summary')[0]!.doc.counts).toEqual({ SUCCESS: 210, SKIPPED: 0, ERROR: 0 });
      expect(r.aws.scheduler.schedules()).toHaveLength(210);
      // Batched as outcomes finish: far fewer requests than messages (the exact bound is in notifications.test.ts).
      expect(r.aws.sns.attempts.length).toBeLessThan(211 / 5);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
