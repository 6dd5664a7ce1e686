/**
 * `npm start` showing the whole life of a snapshot, in-process on the bundle the global setup
 * synthesized (`--no-synth`): the follow-up checks as the simulated clock reaches them, the failed
 * and never-finishing lives, selectors across projects, a month of nights with promotion and its
 * retention table, version warnings, a project that refuses its list; summaries and confirmation
 * messages told apart.
 */
import { main } from '../../local/start';
import { capture, section } from '../support/start-io';

jest.setTimeout(60_000);

async function scenario(name: string, ...more: string[]) {
  const io = capture();
  const code = await main(['--no-synth', '--scenario', name, ...more], io);
  return { io, code, lines: io.stdout.split('\n') };
}

describe('npm start: the life of a snapshot', () => {
  it('never-finishes: one line per check at 5, 15, 35, 75 minutes and then hourly, SNAPSHOT_NOT_CONFIRMED at 12 h', async () => {
    const { io, code } = await scenario('never-finishes');

    expect(code).toBe(0);
    const checks = section(io.stdout, /^== 3\. the follow-up checks$/);
    const rescheduled = checks.filter((l) => /^ {2}check \d+ /.test(l));
    expect(rescheduled).toHaveLength(14);
    expect(rescheduled.map((l) => /^ {2}check \d+ +\+(.*?) {2,}/.exec(l)?.[1])).toEqual([
      '5 min',
      '15 min',
      '35 min',
      '1 h 15 min',
      ...Array.from({ length: 10 }, (_, i) => `${i + 2} h 15 min`),
    ]);
    expect(rescheduled[0]).toMatch(
      /Cluster0 [0-9a-f]{8}\.\.\.: inProgress, next check 2 in 10 min \(at \S+Z\); nothing published$/,
    );
    expect(checks).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^ {2}clock {5}advancing the simulated clock 45 min to \S+Z: schedule snap-[0-9a-f]{24}-15 fires/,
        ),
        '  outcome   Cluster0: ERROR SNAPSHOT_NOT_CONFIRMED',
        expect.stringMatching(
          /^ {2}notify {4}\[ERROR\] Atlas snapshot Cluster0: .* {2}\(confirmation: the follow-up check\)$/,
        ),
      ]),
    );
    // Not a flood: the checks that only rescheduled print no Atlas call, no decision, no counts.
    expect(checks.filter((l) => l.startsWith('  atlas'))).toHaveLength(1);
    expect(section(io.stdout, /^== Summary/)).toEqual(
      expect.arrayContaining([
        '  follow-up failed    ERROR SNAPSHOT_NOT_CONFIRMED  (15 checks, 14 rescheduled)',
        expect.stringMatching(/, 15 schedules created, 15 follow-up checks$/),
      ]),
    );
  });

  it('snapshot-fails: the follow-up reports ERROR SNAPSHOT_FAILED; --strict makes it exit 1', async () => {
    const relaxed = await scenario('snapshot-fails');
    const strict = await scenario('snapshot-fails', '--strict');

    expect([relaxed.code, strict.code]).toEqual([0, 1]);
    const checks = section(relaxed.io.stdout, /^== 3\. the follow-up checks$/);
    expect(checks).toEqual(
      expect.arrayContaining([
        '  confirm   Cluster0: Atlas says failed -> failed',
        '  notify    [ERROR] Atlas snapshot Cluster0: snapshot failed  (confirmation: the follow-up check)',
        expect.stringMatching(
          /^ {2}result {4}invocation FAILED after \d+ ms: InvocationFailedError: .*SNAPSHOT_FAILED\)$/,
        ),
      ]),
    );
    expect(relaxed.io.stdout).toContain('  follow-up failed    ERROR SNAPSHOT_FAILED  (1 check)');
  });

  it('many-projects: a tag selector over six projects, the unsupported clusters SKIPPED, four snapshots confirmed', async () => {
    const { io } = await scenario('many-projects');

    const scheduled = section(io.stdout, /^== 1\. scheduled run/);
    expect(scheduled).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^ {2}decide {4}\*\/\*\[backup=on-demand\]: 6 project\(s\) hold 8 matching cluster\(s\): /,
        ),
        '  outcome   SearchPaused: SKIPPED CLUSTER_PAUSED',
        '  outcome   FlexSandbox: SKIPPED UNSUPPORTED_CLUSTER',
        expect.stringMatching(
          /^ {2}summary {3}\[SKIPPED\] Atlas snapshot run: 8 targets, 4 SUCCESS, 4 SKIPPED {2}\(the run summary/,
        ),
        expect.stringMatching(/^ {12}\| SKIPPED {2}BACKUP_NOT_ENABLED +[0-9a-f]{24}\/ArchiveNoBackup$/),
        expect.stringMatching(/, 4 schedules created$/),
      ]),
    );
    const checks = section(io.stdout, /^== 3\. the follow-up checks$/);
    expect(checks.filter((l) => l.startsWith('  outcome')).sort()).toEqual(
      ['Cluster0', 'Payments0', 'Reporting0', 'SearchSharded'].map(
        (c) => `  outcome   ${c}: SUCCESS SNAPSHOT_COMPLETED`,
      ),
    );
    // The first confirmation message shows its e-mail body; the next ones of the same kind do not repeat it.
    expect(checks.filter((l) => l === '            | (e-mail body like the one above)')).toHaveLength(3);
  });

  it('promotion: a month of nights in simulated time, then which snapshot was kept how long', async () => {
    const { io, code } = await scenario('promotion');

    expect(code).toBe(0);
    const nights = section(io.stdout, /^== 1\. a month of nightly runs$/);
    expect(nights).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^ {2}night 1 {3}\d{4}-\d\d-\d\dT03:00:00Z: the scheduled run, then its follow-up checks, in full$/,
        ),
        expect.stringMatching(/^ {2}atlas {5}200 {2}PATCH {2}patchSnapshot /),
        '  kept      night  date        Cluster0                               ShardedCluster',
        '            * ShardedCluster: retention promotion is not available for sharded clusters (Atlas has no PATCH for sharded snapshots)',
      ]),
    );
    const rows = nights.filter((l) => /^ {12}\d+ +\d{4}-\d\d-\d\d {2}/.test(l));
    expect(rows).toHaveLength(30);
    const promoted = rows.filter((l) => l.includes('(promoted)'));
    // Four or five ISO weeks start in any 30 days, and at least one month.
    expect(promoted.length).toBeGreaterThanOrEqual(4);
    expect(promoted.some((l) => /12 months \(promoted\)|7 years \(promoted\)/.test(l))).toBe(true);
    expect(rows.every((l) => /7 days until \d{4}-\d\d-\d\d \*$/.test(l))).toBe(true);
    expect(nights).toEqual(expect.arrayContaining([expect.stringMatching(/^ {12}ShardedCluster: 30 kept 7 days$/)]));
    expect(section(io.stdout, /^== Summary/)).toEqual(
      expect.arrayContaining([
        '  nights    returned  SUCCESS SNAPSHOT_REQUESTED x60, SUCCESS SNAPSHOT_COMPLETED x60  (30 nights)',
      ]),
    );
  });

  it('deprecated: the version notice and the warning on each outcome', async () => {
    const { io } = await scenario('deprecated');

    expect(io.stdout).toMatch(/^ {2}notice {4}Cluster0: Atlas API version notice: version 2024-08-05, /m);
    expect(io.stdout).toMatch(
      /^ {21}warning: Atlas API version 2024-08-05 \(clusters\) is deprecated \(Deprecation: @\d+\); sunset \d{4}-\d\d-\d\d: upgrade atlas-snapshot-scheduler$/m,
    );
  });

  it('project-denied: an ERROR for the project that refuses its list, the others requested and confirmed', async () => {
    const { io, code } = await scenario('project-denied');

    expect(code).toBe(0);
    const scheduled = section(io.stdout, /^== 1\. scheduled run/);
    expect(scheduled).toEqual(
      expect.arrayContaining([
        '  decide    65a1...3b10/*: failed: USER_UNAUTHORIZED: Current user is not authorized to perform this action.',
        '  outcome   65a1...3b10/*: ERROR USER_UNAUTHORIZED',
        '  outcome   Cluster0: SUCCESS SNAPSHOT_REQUESTED',
        '  outcome   TeamB0: SUCCESS SNAPSHOT_REQUESTED',
      ]),
    );
    expect(section(io.stdout, /^== 3\. the follow-up checks$/).filter((l) => l.startsWith('  outcome'))).toHaveLength(
      2,
    );
  });

  it('dry-run: nothing requested by the dry run, so only the scheduled run has a follow-up', async () => {
    const { io } = await scenario('dry-run');

    expect(section(io.stdout, /^== 1\. console dry run/)).toEqual(
      expect.arrayContaining([expect.stringMatching(/, 0 schedules created$/)]),
    );
    expect(section(io.stdout, /^== 3\. the follow-up checks$/)).toEqual(
      expect.arrayContaining(['  outcome   Cluster0: SUCCESS SNAPSHOT_COMPLETED']),
    );
  });

  it('a scenario that requests nothing says so instead of advancing the clock', async () => {
    const { io } = await scenario('pending');

    expect(section(io.stdout, /^== 3\. the follow-up checks$/)).toContain(
      '  confirm   no follow-up check is scheduled: no snapshot was requested',
    );
  });
});
