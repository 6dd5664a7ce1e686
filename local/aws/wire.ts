/**
 * Wire-level helpers for the local AWS endpoints: the SigV4 credential scope of a request
 * (who signed it, for which region and service), XML escaping for Query answers, and ids.
 * Signatures are not verified: only that the request was signed at all, by the right service.
 */
import { randomUUID } from 'node:crypto';

export interface SignatureScope {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
}

/** `AWS4-HMAC-SHA256 Credential=AKID/20250101/us-east-1/sns/aws4_request, SignedHeaders=..., Signature=...` */
export function parseSigV4(authorization: string | undefined): SignatureScope | undefined {
  const match =
    /^AWS4-HMAC-SHA256\s+Credential=([^/\s,]+)\/(\d{8})\/([^/\s,]+)\/([^/\s,]+)\/aws4_request\s*,.*Signature=[0-9a-f]+/i.exec(
      authorization ?? '',
    );
  if (!match) return undefined;
  const [, accessKeyId, date, region, service] = match;
  if (accessKeyId === undefined || date === undefined || region === undefined || service === undefined) {
    throw new Error('unreachable: the four groups take part in every match');
  }
  return { accessKeyId, date, region, service };
}

export function escapeXml(text: string): string {
  return text.replace(
    /[<>&'"]/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c] as string,
  );
}

export function requestId(): string {
  return randomUUID();
}

/** Dummy credentials for the SDK: signing needs some, nothing checks them. */
export const LOCAL_ACCESS_KEY_ID = 'AKIALOCALSTANDIN0000';
export const LOCAL_SECRET_ACCESS_KEY = 'local-stand-in-not-a-secret';

export interface AwsAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** What the stand-ins need of a request. */
export interface AwsRequest {
  headers: Record<string, string | string[] | undefined>;
  body: string;
  scope?: SignatureScope;
}
