/**
 * `npm start` as a whole, in-process, on the bundle this project's global setup synthesized
 * (`--no-synth`): the scheduled run and the console run against the simulator and the local
 * endpoints, and the account printed for a person.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEMO_API_KEY, DEMO_SERVICE_ACCOUNT } from '../../local/atlas-sim';
import { main } from '../../local/start';
import { capture, section } from '../support/start-io';
import { parseLogLine, stripAnsi } from '../../local/report';
import { LogEvents } from '../../lambda/snapshot/log-events';

jest.setTimeout(30_000);

describe('npm start', () => {
  it('default: the scheduled run requests a snapshot, the console run right after skips it, the follow-up confirms it; exit 0', async () => {
    const io = capture();

    const code = await main(['--no-synth'], io);

    expect(code).toBe(0);
    expect(io.stderr).toBe('');
    const scheduled = section(io.stdout, /^== 1\. scheduled run: event \{"schedule":"nightly"\}/);
    expect(scheduled.filter((l) => l.startsWith('  atlas'))).toEqual([
      expect.stringMatching(/^ {2}atlas {5}200 {2}POST {3}token .* basic {3}\/api\/oauth\/token$/),
      expect.stringMatching(/200 {2}GET {4}getCluster .* bearer {2}\/groups\/65a1\.\.\.3a4b\/clusters\/Cluster0$/),
      expect.stringMatching(
        /200 {2}GET {4}listSnapshots .* bearer .*\/clusters\/Cluster0\/backup\/snapshots \(page 1\)$/,
      ),
      expect.stringMatching(/200 {2}POST {3}takeSnapshot .* bearer .*\/clusters\/Cluster0\/backup\/snapshots$/),
    ]);
    expect(scheduled).toEqual(
      expect.arrayContaining([
        '  run       trigger schedule (nightly), 1 target, retention 7 days, auth serviceAccount',
        expect.stringMatching(/^ {2}decide {4}Cluster0: snapshot requested: [0-9a-f]{24} \(queued\)$/),
        '  outcome   Cluster0: SUCCESS SNAPSHOT_REQUESTED',
        '  notify    [SUCCESS] Atlas snapshot Cluster0: snapshot requested',
        '            | An on-demand snapshot was requested for cluster Cluster0 (project 65a1b2c3d4e5f60718293a4b).',
        expect.stringMatching(/^ {2}result {4}returned \{ "results": \[1 outcome\] \} in \d+ ms$/),
        // Round 2: confirmation is on, so the request creates the first follow-up schedule.
        '  counts    1 token request, 3 Atlas API calls, 1 secret read, 2 SNS publishes, 1 schedule created',
      ]),
    );
    expect(scheduled).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^ {2}summary {3}\[SUCCESS\] Atlas snapshot run: 1 target, 1 SUCCESS {2}\(the run summary/,
        ),
        expect.stringMatching(
          /^ {2}confirm {3}Cluster0: follow-up check scheduled: name snap-[0-9a-f]{24}-1, attempt 1, at \S+Z$/,
        ),
        expect.stringMatching(
          /SNAPSHOT_REQUESTED +Cluster0 +snapshot [0-9a-f]{24} queued, kept 7 days, first check at /,
        ),
      ]),
    );

    const manual = section(io.stdout, /^== 2\. console run: event \{\}/);
    expect(manual.filter((l) => l.startsWith('  atlas'))).toHaveLength(2);
    expect(manual).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^ {2}decide {4}Cluster0: on-demand snapshot [0-9a-f]{24} is still queued: skipping/),
        '  notify    [SKIPPED] Atlas snapshot Cluster0: snapshot already in progress',
        '  counts    0 token requests, 2 Atlas API calls, 0 secret reads, 2 SNS publishes, 0 schedules created  (warm container: cached secret and token reused)',
      ]),
    );
    const followUp = section(io.stdout, /^== 3\. the follow-up checks$/);
    expect(followUp).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^ {2}clock {5}advancing the simulated clock 5 min to \S+Z: schedule snap-[0-9a-f]{24}-1 fires \(check 1 of Cluster0's snapshot/,
        ),
        expect.stringMatching(/200 {2}GET {4}getSnapshot .*\/clusters\/Cluster0\/backup\/snapshots\/[0-9a-f]{24}$/),
        '  outcome   Cluster0: SUCCESS SNAPSHOT_COMPLETED',
        expect.stringMatching(
          /^ {2}notify {4}\[SUCCESS\] Atlas snapshot Cluster0: completed \(\d+(\.\d)? GB\) {2}\(confirmation: the follow-up check\)$/,
        ),
        expect.stringMatching(
          /SNAPSHOT_COMPLETED +Cluster0 +snapshot [0-9a-f]{24} completed, \d+(\.\d)? GB, 5 min 0\d s after the request, kept 7 days, expires \S+Z$/,
        ),
        // The secret's 5-minute cache has expired by then; the token has not.
        '  counts    0 token requests, 1 Atlas API call, 1 secret read, 1 SNS publish, 0 schedules created  (warm container: cached token reused)',
      ]),
    );
    expect(section(io.stdout, /^== Summary/)).toEqual(
      expect.arrayContaining([
        '  scheduled returned  SUCCESS SNAPSHOT_REQUESTED',
        '  console   returned  SKIPPED SNAPSHOT_IN_PROGRESS',
        '  follow-up returned  SUCCESS SNAPSHOT_COMPLETED  (1 check)',
        '  totals    1 token request, 6 Atlas API calls, 2 secret reads, 5 SNS publishes, 1 schedule created, 1 follow-up check',
        '  exit 0    the run completed',
      ]),
    );
    expect(io.stdout).not.toContain('\u001b[');
    expect(io.stdout).not.toContain(DEMO_SERVICE_ACCOUNT.clientSecret);
    expect(io.stdout).not.toMatch(/Bearer [A-Za-z0-9._-]{8,}/);
  });

  it('an error scenario is still a completed run (exit 0); --strict makes its ERROR exit 1', async () => {
    const relaxed = capture();
    const strict = capture();

    const relaxedCode = await main(['--no-synth', '--scenario', 'missing-cluster'], relaxed);
    const strictCode = await main(['--no-synth', '--scenario', 'missing-cluster', '--strict'], strict);

    expect(relaxedCode).toBe(0);
    expect(strictCode).toBe(1);
    expect(relaxed.stdout).toMatch(/404 {2}GET {4}getCluster .*\/clusters\/NoSuchCluster {2}CLUSTER_NOT_FOUND$/m);
    expect(relaxed.stdout).toContain('  notify    [ERROR] Atlas snapshot NoSuchCluster: CLUSTER_NOT_FOUND');
    expect(relaxed.stdout).toContain('invocation FAILED');
    expect(relaxed.stdout).toContain('exit 0    the run completed; its ERROR outcomes are what this scenario shows');
    expect(strict.stdout).toContain('exit 1    an outcome was ERROR or an invocation failed (--strict)');
  });

  it('a malformed secret: SECRET_INVALID, no Atlas call, the value never printed', async () => {
    const io = capture();

    const code = await main(['--no-synth', '--secret', 'malformed', '--verbose'], io);

    expect(code).toBe(0);
    expect(io.stdout).not.toMatch(/^ {2}atlas /m);
    expect(io.stdout).toContain('  notify    [ERROR] Atlas snapshot Cluster0: SECRET_INVALID');
    expect(io.stdout).toContain('  totals    0 token requests, 0 Atlas API calls, 2 secret reads, 4 SNS publishes');
    expect(io.stdout).not.toContain('only-half-of-a-key');
  });

  it('the access-list scenario names the IP Atlas saw and what to do', async () => {
    const io = capture(true);

    await main(['--no-synth', '--scenario', 'access-list', '--secret', 'apiKey'], io);

    expect(io.stdout).toContain('\u001b[');
    const plain = stripAnsi(io.stdout);
    expect(plain).toContain('Atlas saw these calls coming from 127.0.0.1');
    expect(plain).toContain('`egress` NAT option');
    expect(plain).not.toContain(DEMO_API_KEY.privateKey);
  });

  it('the first lines say which configuration runs: the built-in scenario, and how to run your own', async () => {
    const io = capture();

    await main(['--no-synth'], io);

    expect(io.stdout.split('\n').slice(0, 3)).toEqual([
      'atlas-snapshot-scheduler: the deployable function, run on this machine',
      'configuration: the built-in scenario default (retention 7 days); your cdk.json is not used',
      '               — run `npm start -- --config cdk` to run your atlasSnapshot targets against simulated clusters',
    ]);
  });

  it('dry-run: the console dry run checks and requests nothing (SKIPPED DRY_RUN), then the schedule requests', async () => {
    const io = capture();

    const code = await main(['--no-synth', '--scenario', 'dry-run'], io);

    expect(code).toBe(0);
    const dry = section(io.stdout, /^== 1\. console dry run: event \{"dryRun":true\}/);
    expect(dry.filter((l) => l.startsWith('  atlas')).map((l) => l.split(/\s+/)[4])).toEqual([
      'token',
      'getCluster',
      'listSnapshots',
    ]);
    expect(dry).toEqual(
      expect.arrayContaining([
        '  run       trigger manual, 1 target, retention 7 days, auth serviceAccount, DRY RUN',
        '  decide    Cluster0: dry run: no on-demand snapshot pending, one would be requested',
        '  outcome   Cluster0: SKIPPED DRY_RUN',
      ]),
    );
    const scheduled = section(io.stdout, /^== 2\. scheduled run: event \{"schedule":"nightly"\}/);
    expect(scheduled).toContain('  outcome   Cluster0: SUCCESS SNAPSHOT_REQUESTED');
    expect(section(io.stdout, /^== Summary/)).toEqual(
      expect.arrayContaining([
        '  dry run   returned  SKIPPED DRY_RUN',
        '  scheduled returned  SUCCESS SNAPSHOT_REQUESTED',
      ]),
    );
  });

  describe('with your own configuration (--config)', () => {
    const P1 = '5f1d7a3b2c4e6f8a9b0c1d2e';
    const P2 = '6a0b1c2d3e4f5a6b7c8d9e0f';
    let dir: string;
    beforeEach(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'npm-start-e2e-'));
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it('runs your targets with your retention and description against simulated clusters', async () => {
      const file = path.join(dir, 'cdk.json');
      const atlasSnapshot = {
        secretName: 'atlas/prod',
        targets: [
          { projectId: P1, clusterName: 'Orders' },
          { projectId: P2, clusterName: '*' },
        ],
        schedules: [{ name: 'nightly-prod', expression: 'cron(0 3 * * ? *)', timezone: 'Europe/Paris' }],
        retentionInDays: 14,
        description: 'Nightly (prod)',
        notificationEmails: ['ops@example.com'],
      };
      fs.writeFileSync(file, JSON.stringify({ app: 'x', context: { atlasSnapshot } }));
      const io = capture();

      const code = await main(['--no-synth', '--config', file], io);

      expect(code).toBe(0);
      expect(io.stderr).toBe('');
      const lines = io.stdout.split('\n');
      expect(lines[1]).toMatch(
        /^configuration: .*cdk\.json atlasSnapshot \(validated as cdk synth does\): 2 targets, retention 14 days, description "Nightly \(prod\)"$/,
      );
      expect(lines).toEqual(
        expect.arrayContaining([
          `  simulated ${P1}: Orders`,
          `            ${P2}: Cluster0, Cluster1`,
          '  not used  notificationEmails/existingTopicArn (the messages are printed here)',
          expect.stringMatching(/^ {2}AWS .*local Secrets Manager: secret atlas\/prod;/),
        ]),
      );
      const scheduled = section(io.stdout, /^== 1\. scheduled run: event \{"schedule":"nightly-prod"\}/);
      expect(scheduled[1]).toContain('the input your schedule "nightly-prod" (cron(0 3 * * ? *), Europe/Paris) sends');
      expect(scheduled).toEqual(
        expect.arrayContaining([
          '  run       trigger schedule (nightly-prod), 2 targets, retention 14 days, auth serviceAccount',
          '  outcome   Orders: SUCCESS SNAPSHOT_REQUESTED',
          '  outcome   Cluster0: SUCCESS SNAPSHOT_REQUESTED',
          '  outcome   Cluster1: SUCCESS SNAPSHOT_REQUESTED',
          '            |   retentionInDays: 14',
          '            |   description: Nightly (prod)',
        ]),
      );
      expect(section(io.stdout, /^== Summary/)[0]).toMatch(
        /^== Summary: configuration .*cdk\.json, secret serviceAccount$/,
      );
    });

    it("--config cdk runs this project's cdk.json", async () => {
      const project = JSON.parse(fs.readFileSync(path.resolve(__dirname, '..', '..', 'cdk.json'), 'utf8')) as {
        context: {
          atlasSnapshot: { targets: Array<{ projectId: string; clusterName: string }>; retentionInDays: number };
        };
      };
      const { targets, retentionInDays } = project.context.atlasSnapshot;
      const io = capture();

      const code = await main(['--no-synth', '--config', 'cdk'], io);

      expect(code).toBe(0);
      expect(io.stdout.split('\n')[1]).toMatch(
        new RegExp(
          `^configuration: cdk\\.json atlasSnapshot .*: ${targets.length} targets?, retention ${retentionInDays} days`,
        ),
      );
      expect(io.stdout).toContain(`  targets   ${targets.map((t) => `${t.projectId}/${t.clusterName}`).join(', ')}`);
      expect(io.stdout).toContain(`retention ${retentionInDays} days, auth serviceAccount`);
      expect(io.stdout).not.toContain('  outcome   Cluster0: ERROR');
    });
  });

  it('every line the function logs is one of its LogEvents, so every line is rendered on purpose', async () => {
    const events = new Set<string>(Object.values(LogEvents));
    const seen = new Set<string>();
    const runs = [
      ['--scenario', 'mixed'],
      ['--scenario', 'flaky'],
      ['--scenario', 'race'],
      ['--scenario', 'missing-project'],
      ['--scenario', 'dry-run'],
      ['--secret', 'missing'],
      ['--event', '{"dryRun":"yes"}'],
      ['--scenario', 'snapshot-fails'],
      ['--scenario', 'deprecated'],
    ];

    for (const argv of runs) {
      const io = capture();
      await main(['--no-synth', '--verbose', ...argv], io);
      for (const line of io.stdout.split('\n')) {
        if (!line.startsWith('  json      ')) continue;
        const record = parseLogLine(line.slice('  json      '.length));
        if (record?.message !== undefined) seen.add(record.message);
      }
    }

    expect([...seen].filter((message) => !events.has(message))).toEqual([]);
    expect([...seen]).toEqual(
      expect.arrayContaining([
        LogEvents.run,
        LogEvents.outcome,
        LogEvents.atlasRetry,
        LogEvents.secretUnusable,
        LogEvents.followUpScheduled,
        LogEvents.followUpCheck,
        LogEvents.atlasVersionNotice,
      ]),
    );
  });
});
