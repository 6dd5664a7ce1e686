import {
  GetSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { describeSecretKeys, parseSecret, SecretSource } from '../../lambda/snapshot/credentials';
import { CodedError } from '../../lambda/snapshot/errors';

describe('parseSecret', () => {
  it.each([
    [
      { clientId: 'mdb_sa_id', clientSecret: 's3cr3t' },
      { kind: 'serviceAccount', clientId: 'mdb_sa_id', clientSecret: 's3cr3t' },
    ],
    [
      { publicKey: 'pub', privateKey: 'priv' },
      { kind: 'apiKey', publicKey: 'pub', privateKey: 'priv' },
    ],
    [
      { PublicKey: 'pub', PrivateKey: 'priv' },
      { kind: 'apiKey', publicKey: 'pub', privateKey: 'priv' },
    ],
    [
      { ClientId: 'id', ClientSecret: 'sec' },
      { kind: 'serviceAccount', clientId: 'id', clientSecret: 'sec' },
    ],
    [
      { publicKey: 'pub', privateKey: 'priv', clientId: 'id', clientSecret: 'sec' },
      { kind: 'serviceAccount', clientId: 'id', clientSecret: 'sec' },
    ],
  ])('reads %j', (doc, credentials) => {
    expect(parseSecret(JSON.stringify(doc))).toEqual({ credentials });
  });

  it('keeps the BaseUrl of a CloudFormation profile secret', () => {
    const parsed = parseSecret(
      JSON.stringify({ PublicKey: 'p', PrivateKey: 'k', BaseUrl: 'https://cloud.mongodbgov.com/' }),
    );
    expect(parsed.baseUrl).toBe('https://cloud.mongodbgov.com');
  });

  it.each([
    ['not json {', 'not JSON'],
    ['[1,2]', 'not a JSON object'],
    [JSON.stringify({ publicKey: 'only-the-public-half' }), 'keys found: publicKey'],
    [JSON.stringify({ clientId: 'id', clientSecret: '' }), 'keys found: clientId, clientSecret'],
    [
      JSON.stringify({ PublicKey: 'p', PrivateKey: 'TOPSECRET', BaseUrl: 'http://evil.example.com' }),
      'must use https://',
    ],
  ])('refuses %s with SECRET_INVALID and never echoes a value', (text, message) => {
    let caught: unknown;
    try {
      parseSecret(text);
    } catch (e: unknown) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(CodedError);
    expect((caught as CodedError).code).toBe('SECRET_INVALID');
    expect((caught as CodedError).message).toContain(message);
    expect((caught as CodedError).message).not.toContain('only-the-public-half');
    expect((caught as CodedError).message).not.toContain('TOPSECRET');
  });

  it('names only the key names it knows and counts the others, never their text', () => {
    const pasted = 'mdb_sa_sk_PASTED-AS-A-KEY';
    let caught: unknown;
    try {
      parseSecret(JSON.stringify({ publicKey: 'p', [pasted]: '', note: 'x', BaseUrl: 'https://cloud.mongodb.com' }));
    } catch (e: unknown) {
      caught = e;
    }
    expect((caught as CodedError).message).toMatch(/keys found: publicKey, BaseUrl, 2 other keys$/);
    expect((caught as CodedError).message).not.toContain(pasted);
    expect(describeSecretKeys(['x'])).toBe('1 other key');
    expect(describeSecretKeys([])).toBe('none');
    expect(describeSecretKeys(['ClientId', 'ClientSecret', 'PrivateKey', 'PublicKey', 'clientId'])).toBe(
      'ClientId, ClientSecret, PrivateKey, PublicKey, clientId',
    );
  });

  it('refuses a binary-only secret', () => {
    expect(() => parseSecret(undefined)).toThrow('no SecretString');
  });
});

describe('SecretSource', () => {
  const sm = mockClient(SecretsManagerClient);
  beforeEach(() => sm.reset());

  function source(now: () => number) {
    return new SecretSource({
      client: new SecretsManagerClient({ region: 'eu-west-1' }),
      secretId: 'atlas/x',
      ttlMs: 300_000,
      now,
    });
  }

  it('reads once within the TTL, again after it, and shares one read between concurrent callers', async () => {
    sm.on(GetSecretValueCommand, { SecretId: 'atlas/x' }).resolves({
      SecretString: '{"clientId":"a","clientSecret":"b"}',
    });
    let clock = 0;
    const secrets = source(() => clock);

    await Promise.all([secrets.get(), secrets.get(), secrets.get()]);
    clock = 299_999;
    await secrets.get();
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(1);

    clock = 300_000;
    await secrets.get();
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it('passes the abort signal to the SDK call, so a read the handler gives up on is cancelled', async () => {
    sm.on(GetSecretValueCommand).resolves({ SecretString: '{"clientId":"a","clientSecret":"b"}' });
    const controller = new AbortController();
    await source(() => 0).get({ abortSignal: controller.signal });
    const call = sm.commandCalls(GetSecretValueCommand)[0]!;
    expect((call.args as unknown[])[1]).toEqual({ abortSignal: controller.signal });
  });

  it('reads again after invalidate()', async () => {
    sm.on(GetSecretValueCommand).resolves({ SecretString: '{"clientId":"a","clientSecret":"b"}' });
    const secrets = source(() => 0);
    await secrets.get();
    secrets.invalidate();
    await secrets.get();
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it('a missing secret is SECRET_UNAVAILABLE naming the secret, and is not cached', async () => {
    sm.on(GetSecretValueCommand)
      .rejectsOnce(
        new ResourceNotFoundException({
          message: "Secrets Manager can't find the specified secret.",
          $metadata: { httpStatusCode: 400 },
        }),
      )
      .resolves({ SecretString: '{"clientId":"a","clientSecret":"b"}' });
    const secrets = source(() => 0);

    await expect(secrets.get()).rejects.toMatchObject({
      code: 'SECRET_UNAVAILABLE',
      message: expect.stringContaining(
        "cannot read secret atlas/x: ResourceNotFoundException (HTTP 400): Secrets Manager can't find",
      ),
    });
    await expect(secrets.get()).resolves.toMatchObject({ credentials: { kind: 'serviceAccount' } });
  });
});
