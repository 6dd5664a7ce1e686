import { createHash } from 'node:crypto';
import {
  buildDigestAuthorization,
  computeDigestResponse,
  DigestChallengeCache,
  formatNonceCount,
  newCnonce,
  parseChallenges,
  selectDigestChallenge,
  type DigestChallenge,
} from '../../../lambda/snapshot/atlas/auth/digest';

// RFC 7616 section 3.9.1: the same challenge offered with SHA-256 and MD5.
const RFC7616_CHALLENGES =
  'Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=SHA-256, ' +
  'nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS", ' +
  'Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=MD5, ' +
  'nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"';
const RFC7616_CNONCE = 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ';
const MUFASA = { username: 'Mufasa', password: 'Circle of Life' };
const INDEX = { method: 'GET', uri: '/dir/index.html' };

describe('parseChallenges', () => {
  it('splits a joined header into challenges with lower-cased parameter names', () => {
    const challenges = parseChallenges('Basic realm="x", Digest Realm="a, b", nonce=abc, QOP="auth"');

    expect(challenges).toEqual([
      { scheme: 'Basic', params: { realm: 'x' } },
      { scheme: 'Digest', params: { realm: 'a, b', nonce: 'abc', qop: 'auth' } },
    ]);
  });

  it('unescapes quoted-pairs', () => {
    expect(parseChallenges('Digest realm="say \\"hi\\"", nonce="n"')[0]?.params.realm).toBe('say "hi"');
  });

  it("reads Atlas's challenge", () => {
    const challenge = selectDigestChallenge(
      'Digest realm="MMS Public API", domain="", nonce="n0nce", algorithm=MD5, qop="auth", stale=false',
    );

    expect(challenge).toEqual({ realm: 'MMS Public API', nonce: 'n0nce', algorithm: 'MD5', qop: 'auth', stale: false });
  });
});

describe('selectDigestChallenge', () => {
  it('prefers SHA-256 over MD5 when both are offered', () => {
    expect(selectDigestChallenge(RFC7616_CHALLENGES)?.algorithm).toBe('SHA-256');
  });

  it('reads stale=true', () => {
    expect(selectDigestChallenge('Digest realm="r", nonce="n", qop="auth", stale=TRUE')?.stale).toBe(true);
  });

  it('ignores unsupported algorithms, auth-int-only challenges and other schemes', () => {
    expect(selectDigestChallenge('Digest realm="r", nonce="n", algorithm=SHA-1, qop="auth"')).toBeUndefined();
    expect(selectDigestChallenge('Digest realm="r", nonce="n", qop="auth-int"')).toBeUndefined();
    expect(selectDigestChallenge('Bearer realm="r"')).toBeUndefined();
    expect(selectDigestChallenge(undefined)).toBeUndefined();
  });
});

describe('computeDigestResponse', () => {
  it('matches RFC 7616 section 3.9.1 for SHA-256', () => {
    const challenge = selectDigestChallenge(RFC7616_CHALLENGES) as DigestChallenge;

    expect(computeDigestResponse(challenge, MUFASA, INDEX, RFC7616_CNONCE, '00000001')).toBe(
      '753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1',
    );
  });

  it('matches RFC 7616 section 3.9.1 for MD5', () => {
    const challenge = { ...(selectDigestChallenge(RFC7616_CHALLENGES) as DigestChallenge), algorithm: 'MD5' };

    expect(computeDigestResponse(challenge, MUFASA, INDEX, RFC7616_CNONCE, '00000001')).toBe(
      '8ca523f5e9506fed4657c9700eebdbec',
    );
  });

  it('matches RFC 2617 section 3.5 (no algorithm parameter means MD5)', () => {
    const challenge = selectDigestChallenge(
      'Digest realm="testrealm@host.com", qop="auth,auth-int", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41"',
    ) as DigestChallenge;

    expect(
      computeDigestResponse(
        challenge,
        { username: 'Mufasa', password: 'Circle Of Life' },
        INDEX,
        '0a4f113b',
        '00000001',
      ),
    ).toBe('6629fae49393a05397450978507c4ef1');
  });

  it('computes MD5-sess with H(H(user:realm:pass):nonce:cnonce) as HA1', () => {
    const md5 = (s: string) => createHash('md5').update(s).digest('hex');
    const challenge: DigestChallenge = { realm: 'r', nonce: 'n', algorithm: 'MD5-sess', qop: 'auth', stale: false };
    const ha1 = md5(`${md5('u:r:p')}:n:c`);
    const expected = md5(`${ha1}:n:00000002:c:auth:${md5('POST:/x?y=1')}`);

    expect(
      computeDigestResponse(
        challenge,
        { username: 'u', password: 'p' },
        { method: 'POST', uri: '/x?y=1' },
        'c',
        '00000002',
      ),
    ).toBe(expected);
  });

  it('gives a different response for a different password', () => {
    const challenge = selectDigestChallenge(RFC7616_CHALLENGES) as DigestChallenge;

    expect(
      computeDigestResponse(challenge, { ...MUFASA, password: 'other' }, INDEX, RFC7616_CNONCE, '00000001'),
    ).not.toBe('753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1');
  });
});

describe('buildDigestAuthorization', () => {
  it('echoes realm, nonce, algorithm and opaque, quotes what RFC 7616 quotes, and never includes the password', () => {
    const challenge = selectDigestChallenge(RFC7616_CHALLENGES) as DigestChallenge;

    const header = buildDigestAuthorization(challenge, MUFASA, INDEX, 1, RFC7616_CNONCE);

    expect(header).toBe(
      'Digest username="Mufasa", realm="http-auth@example.org", nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", ' +
        'uri="/dir/index.html", algorithm=SHA-256, response="753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1", ' +
        'qop=auth, nc=00000001, cnonce="f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"',
    );
    expect(header).not.toContain('Circle of Life');
  });

  it('escapes quotes in quoted values', () => {
    const challenge: DigestChallenge = { realm: 'r', nonce: 'n', qop: 'auth', stale: false };

    expect(buildDigestAuthorization(challenge, { username: 'a"b', password: 'p' }, INDEX, 1, 'c')).toContain(
      'username="a\\"b"',
    );
  });

  it('uses a random cnonce by default', () => {
    expect(newCnonce()).toMatch(/^[0-9a-f]{32}$/);
    expect(newCnonce()).not.toBe(newCnonce());
  });
});

describe('DigestChallengeCache', () => {
  const challenge = (nonce: string): DigestChallenge => ({ realm: 'r', nonce, qop: 'auth', stale: false });

  it('counts uses per nonce and starts again for a new nonce', () => {
    const cache = new DigestChallengeCache();
    expect(cache.next('k')).toBeUndefined();

    cache.store('k', challenge('n1'));
    expect(cache.next('k')?.nc).toBe(1);
    expect(cache.next('k')?.nc).toBe(2);
    cache.store('k', challenge('n1')); // same nonce again: the count goes on
    expect(cache.next('k')?.nc).toBe(3);
    cache.store('k', challenge('n2'));
    expect(cache.next('k')).toEqual({ challenge: challenge('n2'), nc: 1 });
    expect(cache.next('other')).toBeUndefined();
  });

  it('formats nc as 8 hex digits', () => {
    expect(formatNonceCount(1)).toBe('00000001');
    expect(formatNonceCount(255)).toBe('000000ff');
  });
});
