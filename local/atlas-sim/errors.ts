/**
 * Atlas error answers: body `{error, errorCode, reason, detail, parameters}` with
 * `Content-Type: application/json` and the code repeated in `X-Error-Code` (docs/atlas-api.md, Errors).
 * Detail texts follow MongoDB's published error table; clients must match on `errorCode` only.
 */
import { STATUS_CODES } from 'node:http';

export class AtlasApiError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string,
    readonly detail: string,
    readonly parameters: unknown[] = [],
    /** Extra headers such as `Retry-After` or a Digest challenge. */
    readonly headers: Record<string, string> = {},
  ) {
    super(`${status} ${errorCode}: ${detail}`);
  }

  body(): Record<string, unknown> {
    return {
      detail: this.detail,
      error: this.status,
      errorCode: this.errorCode,
      parameters: this.parameters,
      reason: STATUS_CODES[this.status] ?? 'Error',
    };
  }
}

export const atlasErrors = {
  notAuthorized: (headers: Record<string, string> = {}) =>
    new AtlasApiError(401, 'UNEXPECTED_ERROR', 'You are not authorized for this resource.', [], headers),
  ipNotOnAccessList: (ip: string) =>
    new AtlasApiError(
      403,
      'IP_ADDRESS_NOT_ON_ACCESS_LIST',
      `IP address ${ip} is not allowed to access this resource.`,
      [ip],
    ),
  invalidVersion: () =>
    new AtlasApiError(
      406,
      'INVALID_VERSION_DATE',
      'Invalid version date. Please refer to our documentation for valid versions.',
    ),
  versionGone: (version: string) =>
    new AtlasApiError(410, 'VERSION_GONE', `Version ${version} of this resource has been sunset.`, [version]),
  /** Not in docs/atlas-api.md: a body sent with a media type other than the resource's versioned one. */
  unsupportedMediaType: (type: string) =>
    new AtlasApiError(415, 'UNSUPPORTED_MEDIA_TYPE', `Unsupported content type ${type}.`, [type]),
  invalidPathParameter: (name: string) =>
    new AtlasApiError(400, 'INVALID_PATH_PARAMETER', `Invalid path parameter ${name} specified.`, [name]),
  invalidQueryParameter: (name: string) =>
    new AtlasApiError(400, 'INVALID_QUERY_PARAMETER', `Invalid query parameter ${name} specified.`, [name]),
  groupNotFound: (groupId: string) =>
    new AtlasApiError(404, 'GROUP_NOT_FOUND', `No group with ID ${groupId} exists.`, [groupId]),
  clusterNotFound: (name: string, groupId: string) =>
    new AtlasApiError(404, 'CLUSTER_NOT_FOUND', `No cluster named ${name} exists in group ${groupId}.`, [
      name,
      groupId,
    ]),
  snapshotNotFound: (id: string, cluster: string) =>
    new AtlasApiError(404, 'SNAPSHOT_NOT_FOUND', `No snapshot with ID ${id} exists for cluster ${cluster}.`, [
      id,
      cluster,
    ]),
  resourceNotFound: (path: string) =>
    new AtlasApiError(404, 'RESOURCE_NOT_FOUND', `Cannot find resource ${path}.`, [path]),
  methodNotAllowed: (method: string) =>
    new AtlasApiError(405, 'METHOD_NOT_ALLOWED', `Method ${method} is not allowed on this resource.`, [method]),
  flexInClusterApi: (name: string) =>
    new AtlasApiError(
      400,
      'CANNOT_USE_FLEX_CLUSTER_IN_CLUSTER_API',
      `Flex cluster ${name} cannot be used in the Cluster API.`,
      [name],
    ),
  backupNotEnabled: () => new AtlasApiError(400, 'BACKUP_JOB_NOT_FOUND', 'Backups are not enabled for this cluster.'),
  /** Assumption (no documented code for a snapshot of a paused cluster): the closest catalogued one. */
  clusterPaused: (name: string) =>
    new AtlasApiError(
      409,
      'CANNOT_UPDATE_PAUSED_CLUSTER',
      `Cannot update cluster ${name} while it is paused or being paused.`,
      [name],
    ),
  invalidJson: () => new AtlasApiError(400, 'INVALID_JSON', 'Received JSON does not match expected format.'),
  invalidAttribute: (name: string) =>
    new AtlasApiError(400, 'INVALID_ATTRIBUTE', `Invalid attribute ${name} specified.`, [name]),
  validation: (message: string) =>
    new AtlasApiError(400, 'VALIDATION_ERROR', `The request content produced the validation error: ${message}.`, [
      message,
    ]),
  retentionBelowCompliance: (minimum: number) =>
    new AtlasApiError(
      400,
      'SNAPSHOT_RETENTION_LESS_THAN_BACKUP_COMPLIANCE_POLICY',
      "You can't create a snapshot with a retention less than the Backup Compliance Policy setting while you have a Backup Compliance Policy enabled.",
      [minimum],
    ),
  cannotModifyInProgress: (id: string) =>
    new AtlasApiError(
      400,
      'CANNOT_MODIFY_IN_PROGRESS_SNAPSHOT_RETENTION',
      `Cannot modify the retention of snapshot ${id} while it is queued or in progress.`,
      [id],
    ),
  cannotDecreaseWithCompliance: (id: string) =>
    new AtlasApiError(
      400,
      'CANNOT_DECREASE_SNAPSHOT_RETENTION_WITH_BACKUP_COMPLIANCE_POLICY',
      `Cannot decrease the retention of snapshot ${id} while a Backup Compliance Policy is enabled.`,
      [id],
    ),
  cannotModifySnapshot: (id: string) =>
    new AtlasApiError(403, 'CANNOT_MODIFY_SNAPSHOT', `Snapshot ${id} cannot be modified.`, [id]),
  /**
   * Assumption (docs/atlas-api.md names no code for a credential without the role, or outside the project):
   * Atlas's generic authorization refusal.
   */
  userUnauthorized: () =>
    new AtlasApiError(403, 'USER_UNAUTHORIZED', 'Current user is not authorized to perform this action.'),
  unfinishedOnDemand: () =>
    new AtlasApiError(400, 'UNFINISHED_ON_DEMAND_SNAPSHOT', 'Another on-demand snapshot is queued or in progress.'),
  rateLimited: (errorCode: 'RATE_LIMITED_TOKEN_BUCKET' | 'RATE_LIMITED', headers: Record<string, string>) =>
    new AtlasApiError(429, errorCode, 'Resource is rate limited. Please retry after some time.', [], headers),
  unexpected: (status = 500, errorCode = 'UNEXPECTED_ERROR') =>
    new AtlasApiError(status, errorCode, 'Unexpected error.'),
};
