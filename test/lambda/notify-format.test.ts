import { emailBody, formatNotification, subjectFor } from '../../lambda/snapshot/notify/format';
import type { Outcome } from '../../lambda/snapshot/types';

const base: Outcome = {
  status: 'ERROR',
  code: 'IP_ADDRESS_NOT_ON_ACCESS_LIST',
  stage: 'request',
  projectId: '5f1d7a3b2c4e6f8a9b0c1d2e',
  clusterName: 'Cluster0',
  httpStatus: 403,
  detail: 'IP address 3.4.5.6 is not allowed to access this resource.',
  trigger: 'schedule',
  dryRun: false,
  invocationId: 'req-1',
  timestamp: '2026-11-28T03:00:00.000Z',
};

describe('notification format', () => {
  it('the e-mail says what happened, to which cluster, and what to do next', () => {
    const text = emailBody(base);
    expect(text.split('\n').slice(0, 4)).toEqual([
      'The on-demand snapshot for cluster Cluster0 (project 5f1d7a3b2c4e6f8a9b0c1d2e) FAILED.',
      '',
      'What happened: IP_ADDRESS_NOT_ON_ACCESS_LIST (HTTP 403): IP address 3.4.5.6 is not allowed to access this resource.',
      expect.stringMatching(/^What to do: Add the function's egress IP to the API access list/),
    ]);
    expect(text).toContain('Run: schedule at 2026-11-28T03:00:00.000Z, Lambda request id req-1');
    expect(text).toContain('  httpStatus: 403');
  });

  it('subjects are one ASCII line of at most 100 characters, status and cluster first', () => {
    const long = subjectFor({
      ...base,
      clusterName: `C${'x'.repeat(60)}`,
      code: 'SNAPSHOT_RETENTION_LESS_THAN_BACKUP_COMPLIANCE_POLICY',
    });
    expect(long.length).toBe(100);
    expect(long.startsWith('[ERROR] Atlas snapshot Cxxx')).toBe(true);
    expect(long.endsWith('...')).toBe(true);
    const { clusterName: _cluster, ...withoutCluster } = base;
    expect(subjectFor({ ...withoutCluster, code: 'INVALID_INPUT' })).toBe(
      '[ERROR] Atlas snapshot all targets: INVALID_INPUT',
    );
    expect(subjectFor({ ...base, clusterName: '*', status: 'SKIPPED', code: 'NO_CLUSTERS' })).toBe(
      '[SKIPPED] Atlas snapshot * (all clusters): NO_CLUSTERS',
    );
  });

  it('leaves out the attributes that do not apply (SNS refuses empty values)', () => {
    const { projectId: _project, clusterName: _cluster, ...untargeted } = base;
    const n = formatNotification({ ...untargeted, code: 'INVALID_INPUT' });
    expect(Object.keys(n.attributes)).toEqual(['status', 'code', 'trigger', 'stage']);
  });

  it('the default body is the outcome document itself', () => {
    const n = formatNotification(base);
    expect(JSON.parse(JSON.parse(n.message).default)).toEqual(base);
  });
});
