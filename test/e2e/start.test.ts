/**
 * `npm start` as a whole, in-process, on the bundle this project's global setup synthesized
 * (`--no-synth`): the scheduled run and the console run against the simulator and the local
 * endpoints, and the account printed for a person.
 */
import { DEMO_API_KEY, DEMO_SERVICE_ACCOUNT } from '../../local/atlas-sim';
import { main, type Io } from '../../local/start';
import { stripAnsi } from '../../local/report';

jest.setTimeout(30_000);

function capture(color = false): Io & { stdout: string; stderr: string } {
  const io = {
    stdout: '',
    stderr: '',
    color,
    env: {},
    out: (t: string) => void (io.stdout += t),
    err: (t: string) => void (io.stderr += t),
  };
  return io;
}

/** The lines of one section (`== 1. ...` up to the next `==`). */
function section(stdout: string, title: RegExp): string[] {
  const lines = stdout.split('\n');
  const start = lines.findIndex((l) => title.test(l));
  const end = lines.findIndex((l, i) => i > start && l.startsWith('=='));
  return lines.slice(start, end < 0 ? undefined : end);
}

describe('npm start', () => {
  it('default: the scheduled run requests a snapshot, the console run right after skips it; exit 0', async () => {
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
        '  counts    1 token request, 3 Atlas API calls, 1 secret read, 2 SNS publishes',
      ]),
    );

    const manual = section(io.stdout, /^== 2\. console run: event \{\}/);
    expect(manual.filter((l) => l.startsWith('  atlas'))).toHaveLength(2);
    expect(manual).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^ {2}decide {4}Cluster0: on-demand snapshot [0-9a-f]{24} is still queued: skipping/),
        '  notify    [SKIPPED] Atlas snapshot Cluster0: snapshot already in progress',
        '  counts    0 token requests, 2 Atlas API calls, 0 secret reads, 2 SNS publishes  (warm container: cached secret and token reused)',
      ]),
    );
    expect(section(io.stdout, /^== Summary/)).toEqual(
      expect.arrayContaining([
        '  scheduled returned  SUCCESS SNAPSHOT_REQUESTED',
        '  console   returned  SKIPPED SNAPSHOT_IN_PROGRESS',
        '  totals    1 token request, 5 Atlas API calls, 1 secret read, 4 SNS publishes',
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
});
