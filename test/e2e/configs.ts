/**
 * The configurations the end-to-end project synthesizes (test/e2e/global-setup.ts): this
 * project's cdk.json into cdk.out, and a second `atlasSnapshot` configuration into its own outdir,
 * whose function then runs with exactly the environment and schedule input its template holds.
 */
import path from 'node:path';
import { DEMO_PROJECT_ID } from '../../local/atlas-sim';
import { PROJECT_ROOT } from '../../local/lambda/bundle';

/** Inside cdk.out, so that it is ignored wherever cdk.out is (git, lint, Prettier). */
export const SECOND_OUTDIR = path.join(PROJECT_ROOT, 'cdk.out', 'e2e-second-config');

export const SECOND_CONFIG = {
  secretName: 'atlas/e2e-second-config',
  targets: [
    { projectId: DEMO_PROJECT_ID, clusterName: 'Cluster0' },
    { projectId: '*', clusterName: '*', tags: { backup: 'on-demand' } },
  ],
  schedules: [
    {
      name: 'weekly-e2e',
      expression: 'cron(0 4 ? * SUN *)',
      timezone: 'Europe/Kyiv',
      retentionInDays: 30,
      description: 'Weekly snapshot (e2e second config)',
    },
  ],
  retentionInDays: 14,
  description: 'Nightly snapshot (e2e second config)',
} as const;
