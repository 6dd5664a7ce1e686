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
import { configPath, configSteps, loadOwnConfig, seedForTargets } from '../../local/start/own-config';
import { CONSOLE_STEP, startScenario, withConsoleEvent } from '../../local/start/scenarios';
import type { Target } from '../../lambda/snapshot/types';

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
  it('every preset runs the scheduled step then the console step', () => {
    for (const name of PRESET_NAMES) {
      expect(startScenario(name)).toMatchObject({
        name,
        preset: name,
        steps: [{ event: SCHEDULED_EVENT }, CONSOLE_STEP],
      });
    }
  });

  it('dry-run: a console dry run first, then the schedule, on the default organization', () => {
    const scenario = startScenario('dry-run');

    expect(scenario.preset).toBe('default');
    expect(scenario.steps.map((s) => [s.label, s.event])).toEqual([
      ['dry run', { dryRun: true }],
      ['scheduled', SCHEDULED_EVENT],
    ]);
  });

  it('--event replaces the console step only', () => {
    const steps = withConsoleEvent(startScenario('default').steps, { retentionInDays: 30 });

    expect(steps.map((s) => s.event)).toEqual([SCHEDULED_EVENT, { retentionInDays: 30 }]);
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
  it('runs what your first schedule sends (its own overrides included), then a console run', () => {
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

    expect(steps.map((s) => s.event)).toEqual([{ schedule: 'weekly', retentionInDays: 35 }, {}]);
    expect(steps[0]?.why).toBe(
      'the input your schedule "weekly" (cron(0 2 ? * SUN *), Europe/Paris) sends (1 more schedule(s) send their own overrides)',
    );
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
