/**
 * The CloudWatch dashboard (docs/operations.md "Dashboard"): its widgets exist and read the right
 * things: the alarms, Logs Insights queries over the function's own log group and its `outcome`
 * lines, the snapshot metrics the function writes, and the function's Lambda metrics.
 */
import type { Template } from 'aws-cdk-lib/assertions';
import {
  METRIC_DIMENSION_FUNCTION,
  METRIC_NAMESPACE,
  METRIC_SNAPSHOT_DURATION,
  METRIC_SNAPSHOT_SIZE,
} from '../../lambda/snapshot/contract';
import { CLUSTERS_QUERY, OUTCOMES_QUERY } from '../../lib/constructs/dashboard';
import { logicalId, ref, synthStack } from './helpers';

interface Widget {
  type: string;
  properties: {
    title?: string;
    query?: string;
    view?: string;
    alarms?: string[];
    metrics?: unknown[][];
    region?: string;
  };
}

/** The dashboard body with every intrinsic written as `@{Ref X}` / `@{X.Attr}`, parsed. */
function dashboardBody(template: Template): { start?: string; widgets: Widget[] } {
  const dashboards = Object.values(template.findResources('AWS::CloudWatch::Dashboard')) as Array<{
    Properties: { DashboardBody: { 'Fn::Join': [string, unknown[]] } };
  }>;
  expect(dashboards).toHaveLength(1);
  const parts = dashboards[0]!.Properties.DashboardBody['Fn::Join'][1];
  const text = parts
    .map((part) => {
      if (typeof part === 'string') return part;
      const record = part as { Ref?: string; 'Fn::GetAtt'?: string[] };
      if (record.Ref !== undefined) return `@{Ref ${record.Ref}}`;
      if (record['Fn::GetAtt'] !== undefined) return `@{${record['Fn::GetAtt'].join('.')}}`;
      throw new Error(`unexpected intrinsic ${JSON.stringify(part)}`);
    })
    .join('');
  return JSON.parse(text) as { start?: string; widgets: Widget[] };
}

function byTitle(widgets: Widget[], title: RegExp): Widget {
  const found = widgets.filter((w) => title.test(w.properties.title ?? ''));
  if (found.length !== 1) throw new Error(`expected one widget titled ${String(title)}, found ${found.length}`);
  return found[0]!;
}

describe('the dashboard', () => {
  let template: Template;
  let widgets: Widget[];
  let ids: { fn: string; logGroup: string; dashboard: string };

  beforeAll(() => {
    ({ template } = synthStack());
    widgets = dashboardBody(template).widgets;
    ids = {
      fn: logicalId(template, 'AWS::Lambda::Function', 'SnapshotFunction'),
      logGroup: logicalId(template, 'AWS::Logs::LogGroup', 'SnapshotFunctionLogGroup'),
      dashboard: logicalId(template, 'AWS::CloudWatch::Dashboard', 'Dashboard'),
    };
  });

  it('shows the state of every alarm of the stack', () => {
    const alarmIds = Object.keys(template.findResources('AWS::CloudWatch::Alarm'));

    expect(byTitle(widgets, /^Alarms$/).properties.alarms).toEqual(alarmIds.map((id) => `@{${id}.Arn}`));
    expect(alarmIds).toHaveLength(3);
  });

  it("queries outcomes per code over time from the function's log group (the outcome lines)", () => {
    const widget = byTitle(widgets, /^Outcomes per code/);

    expect(widget.type).toBe('log');
    expect(widget.properties.query).toBe(`SOURCE '@{Ref ${ids.logGroup}}' | ${OUTCOMES_QUERY.join('\n| ')}`);
    expect(widget.properties.query).toContain('filter message = "outcome"');
    expect(widget.properties.query).toContain('by bin(1d), outcome.code');
    expect(widget.properties.view).toBe('timeSeries');
  });

  it('lists per cluster the last completed snapshot, oldest first, with its duration and size', () => {
    const widget = byTitle(widgets, /^Per cluster: last completed snapshot/);

    expect(widget.properties.query).toBe(`SOURCE '@{Ref ${ids.logGroup}}' | ${CLUSTERS_QUERY.join('\n| ')}`);
    expect(widget.properties.query).toContain('outcome.code = "SNAPSHOT_COMPLETED"');
    expect(widget.properties.query).toMatch(
      /max\(@timestamp\) as lastCompleted.*by outcome\.projectId as projectId, outcome\.clusterName as clusterName/s,
    );
    expect(widget.properties.query).toMatch(/outcome\.durationSeconds.*outcome\.storageSizeBytes/s);
    expect(widget.properties.query).toContain('sort lastCompleted asc');
  });

  it('graphs the snapshot duration and size metrics of this function', () => {
    const dimension = [METRIC_DIMENSION_FUNCTION, `@{Ref ${ids.fn}}`];
    for (const [title, metricName] of [
      [/^Snapshot duration/, METRIC_SNAPSHOT_DURATION],
      [/^Snapshot size/, METRIC_SNAPSHOT_SIZE],
    ] as const) {
      const metrics = byTitle(widgets, title).properties.metrics ?? [];
      expect(metrics.length).toBeGreaterThan(0);
      for (const metric of metrics) expect(metric.slice(0, 4)).toEqual([METRIC_NAMESPACE, metricName, ...dimension]);
    }
  });

  it("graphs the function's errors, throttles and duration", () => {
    const names = (title: RegExp): unknown[] =>
      (byTitle(widgets, title).properties.metrics ?? []).map((m) => m.slice(0, 4));

    expect(names(/^Function errors and throttles/)).toEqual([
      ['AWS/Lambda', 'Errors', 'FunctionName', `@{Ref ${ids.fn}}`],
      ['AWS/Lambda', 'Throttles', 'FunctionName', `@{Ref ${ids.fn}}`],
    ]);
    expect(names(/^Function duration/)).toEqual([
      ['AWS/Lambda', 'Duration', 'FunctionName', `@{Ref ${ids.fn}}`],
      ['AWS/Lambda', 'Duration', 'FunctionName', `@{Ref ${ids.fn}}`],
    ]);
  });

  it('lists the latest ERROR outcomes from the same log group', () => {
    const query = byTitle(widgets, /^Latest ERROR outcomes/).properties.query ?? '';

    expect(query.startsWith(`SOURCE '@{Ref ${ids.logGroup}}' | `)).toBe(true);
    expect(query).toContain('outcome.status = "ERROR"');
  });

  it('opens on the last 7 days, is named by CloudFormation, and is an output', () => {
    const dashboard = template.findResources('AWS::CloudWatch::Dashboard')[ids.dashboard] as {
      Properties: Record<string, unknown>;
    };

    expect(dashboard.Properties.DashboardName).toBeUndefined();
    expect(dashboardBody(template).start).toBe('-P7D');
    template.hasOutput('DashboardName', { Value: ref(ids.dashboard) });
  });
});
