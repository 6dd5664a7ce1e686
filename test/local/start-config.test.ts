/**
 * What a local run is made of: the built-in scenarios and their steps, and a run with your own
 * configuration (--config): the cdk.json read and validated as `cdk synth` does, the simulated
 * organization seeded from its targets, the steps its schedules imply.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEMO_PROJECT_ID, PRESET_NAMES } from '../../local/atlas-sim';
import { SCHEDULED_EVENT } from '../../local/harness';
import { SetupError } from '../../local/real';
import {
  configEnvironment,
  configPath,
  configSteps,
  loadOwnConfig,
  seedForTargets,
} from '../../local/start/own-config';
import {
  CONSOLE_STEP,
  FOLLOW_UP_STEP,
  nextNightUtc,
  startScenario,
  withConsoleEvent,
  type Step,
} from '../../local/start/scenarios';
import { ENV, TARGETS_FILE_NAME } from '../../lambda/snapshot/contract';
import type { Target } from '../../lambda/snapshot/types';

/** The event of an invocation step, or the kind of any other step. */
const eventOf = (step: Step): unknown => (step.kind === undefined || step.kind === 'invoke' ? step.event : step.kind);

const ROOT = path.resolve(__dirname, '..', '..');
const P1 = '5f1d7a3b2c4e6f8a9b0c1d2e';
const P2 = '6a0b1c2d3e4f5a6b7c8d9e0f';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'npm-start-config-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function writeCdkJson(atlasSnapshot: unknown, name = 'cdk.json'): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, JSON.stringify({ app: 'npx tsx bin/app.ts', context: { atlasSnapshot } }));
  return file;
}

const ATLAS_SNAPSHOT = {
  secretName: 'atlas/prod',
  targets: [{ projectId: P1, clusterName: 'Orders' }],
  schedules: [{ name: 'nightly', expression: 'cron(0 3 * * ? *)' }],
  retentionInDays: 14,
  description: 'Nightly (prod)',
};

describe('scenarios', () => {
  it('every preset but promotion runs the whole life: the scheduled step, the console step, then the follow-up checks', () => {
    for (const name of PRESET_NAMES.filter((n) => n !== 'promotion')) {
      expect(startScenario(name)).toMatchObject({
        name,
        preset: name,
        steps: [{ event: SCHEDULED_EVENT }, CONSOLE_STEP, FOLLOW_UP_STEP],
      });
    }
  });

  it('promotion: 30 nightly runs at 03:00 UTC with the promotion its history was kept by, from the next 03:00', () => {
    const scenario = startScenario('promotion');
    const now = Date.UTC(2026, 11, 1, 23, 44);

    expect(scenario.steps).toEqual([expect.objectContaining({ kind: 'nights', nights: 30, hourUtc: 3 })]);
    expect(JSON.parse(scenario.env![ENV.promotion]!)).toEqual({ weeks: 4, months: 12, years: 7, timezone: 'UTC' });
    expect(scenario.startAt!(now)).toBe(Date.UTC(2026, 11, 2, 3, 0));
    expect(nextNightUtc(Date.UTC(2026, 11, 2, 2, 59))).toBe(Date.UTC(2026, 11, 2, 3, 0));
    expect(nextNightUtc(Date.UTC(2026, 11, 2, 3, 0))).toBe(Date.UTC(2026, 11, 3, 3, 0));
  });

  it('dry-run: a console dry run first, then the schedule, on the default organization', () => {
    const scenario = startScenario('dry-run');

    expect(scenario.preset).toBe('default');
    expect(scenario.steps.map((s) => [s.label, eventOf(s)])).toEqual([
      ['dry run', { dryRun: true }],
      ['scheduled', SCHEDULED_EVENT],
      ['follow-up', 'follow-ups'],
    ]);
  });

  it('--event replaces the console step only', () => {
    const steps = withConsoleEvent(startScenario('default').steps, { retentionInDays: 30 });

    expect(steps.map(eventOf)).toEqual([SCHEDULED_EVENT, { retentionInDays: 30 }, 'follow-ups']);
    expect(steps[1]?.why).toBe('your --event, as a console test event');
  });
});

describe('reading your configuration', () => {
  it('"cdk" is this project\'s cdk.json; anything else a path', () => {
    expect(configPath('cdk', '/repo')).toBe(path.join('/repo', 'cdk.json'));
    expect(configPath(path.join(dir, 'x.json'))).toBe(path.join(dir, 'x.json'));
  });

  it('validates the atlasSnapshot block with the rules of cdk synth and keeps what it says', () => {
    const file = writeCdkJson(ATLAS_SNAPSHOT);

    const { config } = loadOwnConfig(file);

    expect(config).toMatchObject({
      secretName: 'atlas/prod',
      targets: [{ projectId: P1, clusterName: 'Orders' }],
      retentionInDays: 14,
      description: 'Nightly (prod)',
      schedules: [{ name: 'nightly', expression: 'cron(0 3 * * ? *)', timezone: 'UTC' }],
    });
  });

  it("reads this project's own cdk.json", () => {
    const project = JSON.parse(fs.readFileSync(path.join(ROOT, 'cdk.json'), 'utf8')) as {
      context: { atlasSnapshot: { targets: Target[] } };
    };

    expect(loadOwnConfig('cdk').config.targets).toEqual(project.context.atlasSnapshot.targets);
  });

  it('names every problem cdk synth would name, and says so', () => {
    const file = writeCdkJson({
      ...ATLAS_SNAPSHOT,
      retentionInDays: 0,
      targets: [{ projectId: 'x', clusterName: 'C' }],
    });

    expect(() => loadOwnConfig(file)).toThrow(SetupError);
    expect(() => loadOwnConfig(file)).toThrow(/atlasSnapshot\.retentionInDays must be/);
    expect(() => loadOwnConfig(file)).toThrow(/atlasSnapshot\.targets\[0\]\.projectId must be 24 lowercase hex/);
    expect(() => loadOwnConfig(file)).toThrow(/cdk synth stops on the same problems/);
  });

  it('says what is wrong with a file that is missing, not JSON, or without the block', () => {
    fs.writeFileSync(path.join(dir, 'broken.json'), '{ not json');
    fs.writeFileSync(path.join(dir, 'other.json'), JSON.stringify({ app: 'x', context: {} }));

    expect(() => loadOwnConfig(path.join(dir, 'none.json'))).toThrow(/--config: cannot read .*none\.json/);
    expect(() => loadOwnConfig(path.join(dir, 'broken.json'))).toThrow(/--config: .*broken\.json is not JSON/);
    expect(() => loadOwnConfig(path.join(dir, 'other.json'))).toThrow(
      /other\.json has no "context": \{ "atlasSnapshot": \{ \.\.\. \} \} block/,
    );
  });
});

describe('the steps of your configuration', () => {
  it('runs what your first schedule sends (its own overrides included), then a console run, then the follow-ups', () => {
    const { config } = loadOwnConfig(
      writeCdkJson({
        ...ATLAS_SNAPSHOT,
        schedules: [
          { name: 'weekly', expression: 'cron(0 2 ? * SUN *)', timezone: 'Europe/Paris', retentionInDays: 35 },
          { name: 'nightly', expression: 'cron(0 3 * * ? *)' },
        ],
      }),
    );

    const steps = configSteps(config);

    expect(steps.map(eventOf)).toEqual([{ schedule: 'weekly', retentionInDays: 35 }, {}, 'follow-ups']);
    expect(steps[0]?.why).toBe(
      'the input your schedule "weekly" (cron(0 2 ? * SUN *), Europe/Paris) sends (1 more schedule(s) send their own overrides)',
    );
  });
});

describe('the function environment of your configuration', () => {
  it('is what the stack would set: confirmation, promotion and summary from your block, deploy-time values as tokens', () => {
    const { config } = loadOwnConfig(
      writeCdkJson({
        ...ATLAS_SNAPSHOT,
        confirmation: { enabled: true, firstCheckMinutes: 10, maxHours: 6 },
        promotion: { weeks: 8, months: 12, years: 0, timezone: 'Europe/Kyiv' },
        summary: false,
      }),
    );

    const { variables, targetsFile } = configEnvironment(config, 'atlas/local-name');

    expect(targetsFile).toBeUndefined();
    expect(variables).toMatchObject({
      [ENV.secretId]: 'atlas/local-name',
      [ENV.topicArn]: { Ref: ENV.topicArn },
      [ENV.targets]: JSON.stringify(ATLAS_SNAPSHOT.targets),
      [ENV.retentionDays]: '14',
      [ENV.description]: 'Nightly (prod)',
      [ENV.confirmScheduleGroup]: { Ref: ENV.confirmScheduleGroup },
      [ENV.confirmRoleArn]: { Ref: ENV.confirmRoleArn },
      [ENV.confirmFirstCheckMinutes]: '10',
      [ENV.confirmMaxHours]: '6',
      [ENV.summaryEnabled]: 'false',
    });
    expect(JSON.parse(variables[ENV.promotion] as string)).toEqual({
      weeks: 8,
      months: 12,
      years: 0,
      timezone: 'Europe/Kyiv',
    });
    expect(variables).not.toHaveProperty(ENV.chatTopicArn);
  });

  it('confirmation off: no CONFIRM_* at all; targets too many for 4 KB: a targets file, as the stack places it', () => {
    const targets = Array.from({ length: 120 }, (_, i) => ({ projectId: P1, clusterName: `Cluster${i}` }));
    const { config } = loadOwnConfig(writeCdkJson({ ...ATLAS_SNAPSHOT, targets, confirmation: { enabled: false } }));

    const { variables, targetsFile } = configEnvironment(config, 'atlas/prod');

    expect(Object.keys(variables).filter((k) => k.startsWith('CONFIRM_'))).toEqual([]);
    expect(variables[ENV.targetsFile]).toBe(TARGETS_FILE_NAME);
    expect(variables).not.toHaveProperty(ENV.targets);
    expect(JSON.parse(targetsFile!.json)).toEqual(targets);
  });
});

describe('the simulated organization of your targets', () => {
  const clusters = (targets: Target[]) =>
    (seedForTargets(targets, Date.parse('2026-01-01T00:00:00Z')).seed.projects ?? []).map((p) => ({
      id: p.id,
      clusters: (p.clusters ?? []).map((c) => ({ name: c.name, ...('tags' in c ? { tags: c.tags } : {}) })),
    }));

  it('holds each named cluster as a healthy replica set with completed snapshots, once', () => {
    const { seed, projects } = seedForTargets([
      { projectId: P1, clusterName: 'Orders' },
      { projectId: P1, clusterName: 'Users' },
      { projectId: P2, clusterName: 'Orders' },
    ]);

    expect(seed.projects?.map((p) => [p.id, p.clusters?.map((c) => c.name)])).toEqual([
      [P1, ['Orders', 'Users']],
      [P2, ['Orders']],
    ]);
    const orders = seed.projects?.[0]?.clusters?.[0];
    expect(orders?.kind ?? 'replicaSet').toBe('replicaSet');
    expect(orders?.paused ?? false).toBe(false);
    expect(orders?.backupEnabled ?? true).toBe(true);
    expect(orders?.snapshots).toHaveLength(12);
    expect(seed.serviceAccounts).toHaveLength(1);
    expect(seed.apiKeys).toHaveLength(1);
    expect(projects).toEqual([`${P1}: Orders, Users`, `${P2}: Orders`]);
  });

  it('gives a "*" selector two more clusters of its project to find, after the named ones', () => {
    expect(
      clusters([
        { projectId: P1, clusterName: 'Cluster0' },
        { projectId: P1, clusterName: '*' },
      ]),
    ).toEqual([{ id: P1, clusters: [{ name: 'Cluster0' }, { name: 'Cluster1' }, { name: 'Cluster2' }] }]);
  });

  it('gives a tag selector one cluster carrying its tags and one without', () => {
    const { projects } = seedForTargets([{ projectId: P1, clusterName: '*', tags: { backup: 'on-demand' } }]);

    expect(clusters([{ projectId: P1, clusterName: '*', tags: { backup: 'on-demand' } }])).toEqual([
      { id: P1, clusters: [{ name: 'Cluster0', tags: { backup: 'on-demand' } }, { name: 'Cluster1' }] },
    ]);
    expect(projects).toEqual([`${P1}: Cluster0 tags {"backup":"on-demand"}, Cluster1`]);
  });

  it('gives a "projectId": "*" selector one more project, none of those named', () => {
    const seeded = clusters([
      { projectId: DEMO_PROJECT_ID, clusterName: 'Cluster0' },
      { projectId: '*', clusterName: '*' },
    ]);

    expect(seeded).toHaveLength(2);
    expect(seeded[0]).toEqual({ id: DEMO_PROJECT_ID, clusters: [{ name: 'Cluster0' }] });
    expect(seeded[1]?.id).toMatch(/^[a-f0-9]{24}$/);
    expect(seeded[1]?.id).not.toBe(DEMO_PROJECT_ID);
    expect(seeded[1]?.clusters).toEqual([{ name: 'Cluster0' }, { name: 'Cluster1' }]);
  });
});
