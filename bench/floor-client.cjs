// The CPU floor of a run (bench/floor-run.ts): the same HTTP exchanges the function makes for its
// targets, and nothing else. One token request; per target GET cluster, GET snapshots, POST
// snapshot (8 at a time, projects in turn); with confirmation one CreateSchedule per target through
// the SDK; one PublishBatch of 10 entries of the size of the function's messages per 10 targets and
// one for the summary. No logging, no formatting, no checks. FLOOR_CLIENT picks the Atlas client:
// `http` (node:http with a keep-alive agent) or `axios` (the function's axios settings). Prints one
// JSON line: its own CPU time for the work, and the wall time.
'use strict';
const http = require('node:http');
const { SchedulerClient, CreateScheduleCommand } = require('@aws-sdk/client-scheduler');
const { SNSClient, PublishBatchCommand } = require('@aws-sdk/client-sns');

const env = process.env;
const base = env.ATLAS_BASE_URL;
const targets = JSON.parse(env.ATLAS_TARGETS);
const secret = JSON.parse(env.FLOOR_SECRET);
const concurrency = Number(env.FLOOR_CONCURRENCY || 8);
const confirmation = env.FLOOR_CONFIRMATION === '1';
const messageBytes = Number(env.FLOOR_MESSAGE_BYTES || 3000);
const agent = new http.Agent({ keepAlive: true });
const requestHandler = { connectionTimeout: 3000, requestTimeout: 10000, throwOnRequestTimeout: true };
const scheduler = new SchedulerClient({ requestHandler });
const sns = new SNSClient({ requestHandler });

function viaHttp(method, path, headers, body) {
  return new Promise((resolve, reject) => {
    const req = http.request(`${base}${path}`, { method, agent, headers }, (res) => {
      const parts = [];
      res.on('data', (d) => parts.push(d));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(parts).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

let axiosInstance;
async function viaAxios(method, path, headers, body) {
  if (!axiosInstance) {
    const axios = require('axios');
    axiosInstance = axios.create({
      validateStatus: () => true,
      maxRedirects: 0,
      proxy: false,
      responseType: 'stream',
      decompress: false,
      transformRequest: [(d) => d],
      transformResponse: [(d) => d],
      httpAgent: agent,
    });
  }
  const res = await axiosInstance.request({ url: `${base}${path}`, method, headers, data: body });
  const parts = [];
  await new Promise((resolve, reject) => {
    res.data.on('data', (d) => parts.push(d));
    res.data.once('end', resolve);
    res.data.once('error', reject);
  });
  return { status: res.status, body: Buffer.concat(parts).toString('utf8') };
}

const send = env.FLOOR_CLIENT === 'axios' ? viaAxios : viaHttp;

async function main() {
  const basic = Buffer.from(`${secret.clientId}:${secret.clientSecret}`).toString('base64');
  const token = JSON.parse(
    (
      await send(
        'POST',
        '/api/oauth/token',
        {
          Authorization: `Basic ${basic}`,
          'Content-Type': 'application/x-www-form-urlencoded',
          Accept: 'application/json',
        },
        'grant_type=client_credentials',
      )
    ).body,
  ).access_token;
  const headers = (accept) => ({ Accept: accept, Authorization: `Bearer ${token}`, 'User-Agent': 'floor/1' });
  const clusters = 'application/vnd.atlas.2024-08-05+json';
  const snapshots = 'application/vnd.atlas.2023-01-01+json';
  const started = process.cpuUsage();
  const wall = Date.now();
  const message = JSON.stringify({
    default: JSON.stringify({ detail: 'x'.repeat(messageBytes / 2) }),
    email: 'y'.repeat(messageBytes / 2),
  });
  let waiting = 0;
  const publishes = [];
  const publish = (n) =>
    sns.send(
      new PublishBatchCommand({
        TopicArn: env.SNS_TOPIC_ARN,
        PublishBatchRequestEntries: Array.from({ length: n }, (_, i) => ({
          Id: `n${i}`,
          Message: message,
          MessageStructure: 'json',
          Subject: '[SUCCESS] Atlas snapshot Cluster0: snapshot requested',
          MessageAttributes: { status: { DataType: 'String', StringValue: 'SUCCESS' } },
        })),
      }),
    );
  let next = 0;
  const worker = async () => {
    while (next < targets.length) {
      const t = targets[next++];
      const path = `/api/atlas/v2/groups/${t.projectId}/clusters/${t.clusterName}`;
      JSON.parse((await send('GET', path, headers(clusters))).body);
      JSON.parse((await send('GET', `${path}/backup/snapshots?itemsPerPage=500&pageNum=1`, headers(snapshots))).body);
      const body = JSON.stringify({ description: 'floor', retentionInDays: 7 });
      const taken = JSON.parse(
        (await send('POST', `${path}/backup/snapshots`, { ...headers(snapshots), 'Content-Type': snapshots }, body))
          .body,
      );
      if (confirmation) {
        await scheduler.send(
          new CreateScheduleCommand({
            Name: `snap-${taken.id}-1`,
            GroupName: env.CONFIRM_SCHEDULE_GROUP || 'default',
            ScheduleExpression: 'at(2030-01-01T00:00:00)',
            ScheduleExpressionTimezone: 'UTC',
            FlexibleTimeWindow: { Mode: 'OFF' },
            ActionAfterCompletion: 'DELETE',
            Target: {
              Arn: 'arn:aws:lambda:us-east-1:123456789012:function:AtlasSnapshotScheduler-local',
              RoleArn: env.CONFIRM_ROLE_ARN,
              Input: JSON.stringify({
                followUp: { snapshotId: taken.id, projectId: t.projectId, clusterName: t.clusterName },
              }),
            },
          }),
        );
      }
      if (++waiting === 10) {
        waiting = 0;
        publishes.push(publish(10));
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  publishes.push(publish(waiting + 1));
  await Promise.all(publishes);
  const cpu = process.cpuUsage(started);
  process.stdout.write(`${JSON.stringify({ cpuMs: (cpu.user + cpu.system) / 1000, wallMs: Date.now() - wall })}\n`);
}

main().catch((e) => {
  process.stderr.write(`floor client failed: ${e && e.stack ? e.stack : e}\n`);
  process.exit(1);
});
