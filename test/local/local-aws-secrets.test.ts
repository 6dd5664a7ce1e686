/** The local Secrets Manager, driven by the real SDK client through its standard endpoint settings. */
import {
  DecryptionFailure,
  GetSecretValueCommand,
  InternalServiceError,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { type LocalAws, startLocalAws } from '../../local/aws';

const SECRET = 'atlas/snapshot-scheduler';
const VALUE = JSON.stringify({ clientId: 'mdb_sa_id_x', clientSecret: 'mdb_sa_sk_y' });

let aws: LocalAws;
const savedEnv = { ...process.env };

beforeEach(async () => {
  aws = await startLocalAws({ secrets: [{ name: SECRET, secretString: VALUE }] });
});

afterEach(async () => {
  process.env = { ...savedEnv };
  await aws.close();
});

/** A client configured only by environment variables, as the function's will be. */
function clientFromEnv(env: Record<string, string>): SecretsManagerClient {
  for (const name of Object.keys(process.env)) {
    if (name.startsWith('AWS_') && name !== 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED')
      delete process.env[name];
  }
  Object.assign(process.env, env);
  return new SecretsManagerClient({ maxAttempts: 1 });
}

const read = (client: SecretsManagerClient, id: string) => client.send(new GetSecretValueCommand({ SecretId: id }));

describe('local Secrets Manager', () => {
  it('answers GetSecretValue by name through AWS_ENDPOINT_URL_SECRETS_MANAGER', async () => {
    const client = clientFromEnv(aws.env);

    const answer = await read(client, SECRET);

    expect(answer).toMatchObject({
      ARN: aws.secretsManager.arnOf(SECRET),
      Name: SECRET,
      SecretString: VALUE,
      VersionId: expect.any(String),
      VersionStages: ['AWSCURRENT'],
    });
    expect(answer.CreatedDate).toBeInstanceOf(Date);
    expect(aws.secretsManager.reads(SECRET)).toBe(1);
    expect(aws.requests.at(-1)).toMatchObject({
      service: 'secretsmanager',
      operation: 'GetSecretValue',
      region: 'us-east-1',
      status: 200,
    });
  });

  it('is reached through the generic AWS_ENDPOINT_URL as well', async () => {
    const { AWS_ENDPOINT_URL_SECRETS_MANAGER: _sm, AWS_ENDPOINT_URL_SNS: _sns, ...rest } = aws.env;
    const client = clientFromEnv({ ...rest, AWS_ENDPOINT_URL: aws.endpoint, AWS_REGION: 'eu-west-1' });

    const answer = await read(client, SECRET);

    expect(answer.SecretString).toBe(VALUE);
    expect(aws.requests.at(-1)?.region).toBe('eu-west-1');
  });

  it('finds the secret by full ARN and by partial ARN', async () => {
    const client = new SecretsManagerClient({
      endpoint: aws.endpoint,
      region: aws.region,
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    });
    const arn = aws.secretsManager.arnOf(SECRET);

    const full = await read(client, arn);
    const partial = await read(client, arn.slice(0, -7));

    expect(full.Name).toBe(SECRET);
    expect(partial.Name).toBe(SECRET);
  });

  it('throws the SDK ResourceNotFoundException for an unknown secret', async () => {
    const client = clientFromEnv(aws.env);

    const attempt = read(client, 'no/such/secret');

    await expect(attempt).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(attempt).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      $metadata: { httpStatusCode: 400 },
    });
  });

  it('simulates AccessDenied, a KMS decryption failure and a server error', async () => {
    const client = clientFromEnv(aws.env);

    aws.secretsManager.setFailure(SECRET, 'AccessDeniedException');
    // Not in the Secrets Manager model: the SDK raises a generic service exception with that name.
    await expect(read(client, SECRET)).rejects.toMatchObject({
      name: 'AccessDeniedException',
      $metadata: { httpStatusCode: 400 },
    });
    aws.secretsManager.setFailure(SECRET, 'DecryptionFailure');
    await expect(read(client, SECRET)).rejects.toBeInstanceOf(DecryptionFailure);
    aws.secretsManager.failAll('InternalServiceError');
    await expect(read(client, SECRET)).rejects.toBeInstanceOf(InternalServiceError);
    aws.secretsManager.failAll(undefined);
    aws.secretsManager.setFailure(SECRET, undefined);

    expect((await read(client, SECRET)).SecretString).toBe(VALUE);
    expect(aws.secretsManager.reads()).toBe(1);
    expect(aws.secretsManager.requests.map((r) => r.errorType)).toEqual([
      'AccessDeniedException',
      'DecryptionFailure',
      'InternalServiceError',
      undefined,
    ]);
  });

  it('serves a binary-only secret without SecretString', async () => {
    aws.secretsManager.putSecret({ name: 'binary', secretBinary: new Uint8Array([1, 2, 3]) });
    const client = clientFromEnv(aws.env);

    const answer = await read(client, 'binary');

    expect(answer.SecretString).toBeUndefined();
    expect(Array.from(answer.SecretBinary ?? [])).toEqual([1, 2, 3]);
  });

  it('gives a replaced secret a new VersionId, like a rotation', async () => {
    const client = clientFromEnv(aws.env);
    const before = await read(client, SECRET);

    aws.secretsManager.putSecret({ name: SECRET, secretString: '{"publicKey":"p","privateKey":"k"}' });
    const after = await read(client, SECRET);

    expect(after.ARN).toBe(before.ARN);
    expect(after.VersionId).not.toBe(before.VersionId);
    expect(after.SecretString).toContain('publicKey');
  });

  it('refuses unsigned requests', async () => {
    const answer = await fetch(aws.endpoint, {
      method: 'POST',
      headers: { 'X-Amz-Target': 'secretsmanager.GetSecretValue', 'Content-Type': 'application/x-amz-json-1.1' },
      body: JSON.stringify({ SecretId: SECRET }),
    });

    expect(answer.status).toBe(400);
    expect(answer.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException');
    expect(aws.secretsManager.reads()).toBe(0);
  });
});
