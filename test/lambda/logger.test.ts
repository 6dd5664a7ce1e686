import { createLogger, REDACTED, sanitize, scrubText, summarizeEvent, TRUNCATED } from '../../lambda/snapshot/logger';

describe('logger', () => {
  it('writes one JSON line per entry with level, time, message, context and fields', () => {
    const lines: string[] = [];
    const log = createLogger({ write: (l) => lines.push(l), now: () => new Date(0), fields: { service: 's' } });
    log.child({ clusterName: 'C' }).info('hello', { n: 1 });
    log.debug('hidden at the default level');
    expect(lines.map((l) => JSON.parse(l))).toEqual([
      { level: 'INFO', timestamp: '1970-01-01T00:00:00.000Z', message: 'hello', service: 's', clusterName: 'C', n: 1 },
    ]);
  });

  it('redacts credential-like fields at any depth but keeps names of things', () => {
    const out = sanitize({
      headers: { Authorization: 'Bearer abc', Accept: 'x' },
      clientSecret: 's',
      privateKey: 'k',
      access_token: 't',
      secretId: 'atlas/name',
      tokenRequests: 3,
    });
    expect(out).toEqual({
      headers: { Authorization: REDACTED, Accept: 'x' },
      clientSecret: REDACTED,
      privateKey: REDACTED,
      access_token: REDACTED,
      secretId: 'atlas/name',
      tokenRequests: 3,
    });
  });

  it("reduces errors to name, code and message (an axios error's config never reaches a line)", () => {
    const e = Object.assign(new Error('Request failed'), {
      code: 'ECONNRESET',
      config: { headers: { Authorization: 'Bearer abc' } },
    });
    expect(sanitize({ error: e })).toEqual({ error: { name: 'Error', message: 'Request failed', code: 'ECONNRESET' } });
  });
});

describe('logger bounds', () => {
  function deep(levels: number): Record<string, unknown> {
    const root: Record<string, unknown> = {};
    let node = root;
    for (let i = 0; i < levels; i++) {
      const next: Record<string, unknown> = {};
      node.a = next;
      node = next;
    }
    return root;
  }

  function depthOf(value: unknown): number {
    let depth = 0;
    let node = value;
    while (typeof node === 'object' && node !== null && 'a' in node) {
      node = node.a;
      depth++;
    }
    return depth;
  }

  it('logs a 5,000-deep value as a truncated shape, never a RangeError', () => {
    const lines: string[] = [];
    const log = createLogger({ write: (l) => lines.push(l) });

    log.info('deep', { value: deep(5_000) });

    expect(lines).toHaveLength(1);
    const entry = JSON.parse(lines[0]!);
    expect(depthOf(entry.value)).toBeLessThanOrEqual(12);
    expect(lines[0]).toContain(TRUNCATED);
  });

  it('bounds width, string length and the number of values copied', () => {
    const wide = Object.fromEntries(Array.from({ length: 1_000 }, (_, i) => [`k${i}`, i]));
    const long = 'x'.repeat(100_000);
    const many = Array.from({ length: 1_000 }, (_, i) => i);

    const out = sanitize({ wide, long, many }) as { wide: Record<string, unknown>; long: string; many: unknown[] };

    expect(Object.keys(out.wide)).toHaveLength(201);
    expect(out.wide['...']).toBe('more keys left out');
    expect(out.long).toMatch(/\.\.\. \(84000 more characters\)$/);
    expect(out.many).toHaveLength(201);
    expect(out.many[200]).toBe('... and 800 more items');
    const huge = Array.from({ length: 200 }, () => Array.from({ length: 200 }, () => 1));
    expect(JSON.stringify(sanitize(huge))).toContain(TRUNCATED);
  });

  it('cuts repeated references and writes dates, bigints and functions as text', () => {
    const shared: Record<string, unknown> = { n: 1 };
    shared.self = shared;
    expect(sanitize({ shared, at: new Date(0), big: 10n, f: () => 1 })).toEqual({
      shared: { n: 1, self: '[Circular]' },
      at: '1970-01-01T00:00:00.000Z',
      big: '10',
      f: '[function]',
    });
  });

  it('scrubs every credential form inside strings: Bearer, Basic, Digest response/nonce/cnonce, service-account secrets', () => {
    const basic = Buffer.from('mdb_sa_id_123:mdb_sa_sk_SECRET').toString('base64');
    const text = [
      'Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.payload.signature',
      `Authorization: Basic ${basic}`,
      'Digest username="pub", realm="MMS Public API", nonce="abc123", uri="/api", cnonce="xyz", response="6629fae49393a05397450978507c4ef1"',
      'the secret mdb_sa_sk_VERY-SECRET-VALUE-123 leaked',
    ].join('\n');

    const out = scrubText(text);

    for (const secret of ['eyJhbGciOiJIUzI1NiJ9', basic, 'abc123', 'xyz', '6629fae4', 'VERY-SECRET']) {
      expect(out).not.toContain(secret);
    }
    expect(out).toContain('Bearer [REDACTED]');
    expect(out).toContain('Basic [REDACTED]');
    expect(out).toContain('username="pub"');
    expect(scrubText('Basic authentication failed for a Basic tier')).toBe(
      'Basic authentication failed for a Basic tier',
    );
  });

  it('scrubs strings in log lines and error messages', () => {
    const lines: string[] = [];
    const log = createLogger({ write: (l) => lines.push(l) });
    log.error('boom', { error: new Error('sent Bearer abcdefghijklmnopqrstuvwxyz0123'), note: 'nonce="n1"' });
    expect(lines[0]).not.toContain('abcdefghijklmnop');
    expect(lines[0]).not.toContain('n1');
  });
});

describe('summarizeEvent', () => {
  it('a scheduled event by its envelope, a follow-up by the snapshot it names', () => {
    expect(
      summarizeEvent({ source: 'aws.events', 'detail-type': 'Scheduled Event', time: 't', detail: { big: 1 } }),
    ).toEqual({ source: 'aws.events', 'detail-type': 'Scheduled Event', time: 't' });
    expect(
      summarizeEvent({
        followUp: {
          version: 1,
          projectId: 'p',
          clusterName: 'c',
          snapshotId: 's',
          attempt: 2,
          promotion: { weeks: 1 },
        },
      }),
    ).toEqual({ followUp: { version: 1, projectId: 'p', clusterName: 'c', snapshotId: 's', attempt: 2 } });
  });

  it('a hostile event becomes a small bounded shape', () => {
    const event = { targets: Array.from({ length: 100_000 }, () => ({ projectId: 'x'.repeat(1_000) })) };
    const line = JSON.stringify(summarizeEvent(event));
    expect(line.length).toBeLessThan(20_000);
    expect(summarizeEvent(null)).toBeNull();
    expect(summarizeEvent('text')).toBe('text');
  });
});
