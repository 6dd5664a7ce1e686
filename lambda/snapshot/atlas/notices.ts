/**
 * Version notices (docs/atlas-api.md "Base URL and versions"): Atlas announces the retirement of
 * a resource version with `Deprecation` and `Sunset` response headers. Each distinct notice is
 * logged once as a WARN line and handed once to the outcome's `warnings`, per client; a version
 * already sunset answers 410 VERSION_GONE, which stays an error like any other.
 */
import { LogEvents } from '../log-events';
import type { Logger, NoticeSink } from '../types';
import { clip } from './answers';
import type { HttpRequest, HttpResponse } from './transport';

export interface VersionNoticeOptions {
  logger: Logger;
  onNotice?: NoticeSink;
  scrub: (text: string) => string;
}

export interface VersionNotice {
  /** e.g. `2024-08-05`; undefined for an unversioned endpoint (the token endpoint). */
  version?: string;
  /** What the version is of, e.g. `clusters`. */
  resource: string;
  deprecation?: string;
  sunset?: string;
}

/** Watches answers; returns the function the retry loop calls with each one. */
export function versionNotices(options: VersionNoticeOptions): (request: HttpRequest, response: HttpResponse) => void {
  const seen = new Set<string>();
  return (request, response) => {
    const { deprecation, sunset } = response.headers;
    if (deprecation === undefined && sunset === undefined) return;
    const notice: VersionNotice = {
      resource: request.resource ?? 'API',
      ...definedValues({
        version: versionOf(request.accept),
        deprecation: deprecation === undefined ? undefined : clip(options.scrub(deprecation), 100),
        sunset: sunset === undefined ? undefined : clip(options.scrub(sunset), 100),
      }),
    };
    const key = JSON.stringify([notice.version, notice.resource, notice.deprecation, notice.sunset]);
    if (seen.has(key)) return;
    seen.add(key);
    options.logger.warn(LogEvents.atlasVersionNotice, { path: request.path, mediaType: request.accept, ...notice });
    options.onNotice?.(noticeText(notice));
  };
}

/**
 * The warning for the outcome, e.g. `Atlas API version 2024-08-05 (clusters) is deprecated
 * (Deprecation: @1782864000); sunset 2027-07-01: upgrade atlas-snapshot-scheduler`.
 */
export function noticeText(notice: VersionNotice): string {
  const what =
    notice.version === undefined
      ? `Atlas API (${notice.resource})`
      : `Atlas API version ${notice.version} (${notice.resource})`;
  const sunset = notice.sunset === undefined ? undefined : sunsetDate(notice.sunset);
  const parts =
    notice.deprecation !== undefined
      ? [`${what} is deprecated (Deprecation: ${notice.deprecation})`, ...(sunset ? [`; sunset ${sunset}`] : [])]
      : [`${what} will be sunset on ${sunset ?? 'a date Atlas did not give'}`];
  return `${parts.join('')}: upgrade atlas-snapshot-scheduler`;
}

/** The `YYYY-MM-DD` of a `Sunset` HTTP-date, or the value as sent when it is not one. */
function sunsetDate(value: string): string {
  const at = Date.parse(value);
  return Number.isNaN(at) ? value : new Date(at).toISOString().slice(0, 10);
}

function versionOf(mediaType: string): string | undefined {
  return /^application\/vnd\.atlas\.(\d{4}-\d{2}-\d{2})\+json$/.exec(mediaType)?.[1];
}

function definedValues<T extends Record<string, string | undefined>>(fields: T): Partial<Record<keyof T, string>> {
  const out: Partial<Record<keyof T, string>> = {};
  for (const [name, value] of Object.entries(fields)) if (value !== undefined) out[name as keyof T] = value;
  return out;
}
