/**
 * Dashboards for the health of the telemetry pipeline, built with Grafana's own
 * dashboards-as-code library (@grafana/grafana-foundation-sdk) and provisioned as files.
 */
import { DashboardBuilder, DashboardCursorSync, RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { DataqueryBuilder } from '@grafana/grafana-foundation-sdk/prometheus';
import { PanelBuilder } from '@grafana/grafana-foundation-sdk/timeseries';
import { jobMatcher, selectorsOf } from './promql-selectors';
import { TelemetryContext } from './telemetry-alerts';

/** A dashboard as Grafana's JSON model, with a file name for provisioning. */
export interface DashboardFile {
  readonly fileName: string;
  readonly uid: string;
  readonly json: string;
}

interface Query {
  readonly expr: string;
  readonly legend: string;
}

function panel(datasourceUid: string, title: string, unit: string, queries: readonly Query[], description: string): PanelBuilder {
  const p = new PanelBuilder()
    .title(title)
    .description(description)
    .unit(unit)
    .height(8)
    .span(12)
    .datasource({ type: 'prometheus', uid: datasourceUid });
  queries.forEach((q, i) => {
    p.withTarget(new DataqueryBuilder().expr(q.expr).legendFormat(q.legend).refId(String.fromCharCode(65 + i)));
  });
  return p;
}

const SIGNALS = [
  { name: 'spans', title: 'Traces' },
  { name: 'metric_points', title: 'Metrics' },
  { name: 'log_records', title: 'Logs' },
];

/**
 * A panel builder that keeps only queries whose metric something exports, with the jobs that
 * do (`{{jobs}}` in an expression becomes the job matcher); a panel left with no query is
 * left out.
 */
function panels(datasourceUid: string, ctx: TelemetryContext) {
  return (d: DashboardBuilder, title: string, unit: string, queries: readonly Query[], description: string): void => {
    const kept = queries.flatMap((q) => {
      const metric = metricOf(q.expr);
      const jobs = ctx.jobsExporting(metric);
      if (q.expr.includes('{{jobs}}')) {
        return jobs.length === 0 ? [] : [{ ...q, expr: q.expr.split('{{jobs}}').join(jobMatcher(jobs)) }];
      }
      return ctx.exports(metric) ? [q] : [];
    });
    if (kept.length > 0) d.withPanel(panel(datasourceUid, title, unit, kept, description));
  };
}

/** The metric a query is kept for: its first selector's (read with the job placeholder filled in). */
function metricOf(expr: string): string {
  const first = selectorsOf(expr.split('{{jobs}}').join('job="x"')).find((x) => typeof x.name === 'string');
  if (first === undefined) throw new Error(`dashboard query names no metric: ${expr}`);
  return first.name as string;
}

/** A read-only dashboard of the last 3 hours, refreshed every 30s, with a shared crosshair. */
function dashboard(title: string, uid: string, tags: readonly string[]): DashboardBuilder {
  return new DashboardBuilder(title)
    .uid(uid)
    .tags(['cdk8s-alloy', ...tags])
    .refresh('30s')
    .time({ from: 'now-3h', to: 'now' })
    .tooltip(DashboardCursorSync.Crosshair)
    .readonly();
}

/** Alloy: what it receives, accepts, refuses and sends per signal, its queues, remote write and WAL. */
export function alloyDashboard(datasourceUid: string, ctx: TelemetryContext): DashboardFile {
  const d = dashboard('Alloy: telemetry health', 'cdk8s-alloy-health', ['alloy']);
  const add = panels(datasourceUid, ctx);
  for (const s of SIGNALS) {
    d.withRow(new RowBuilder(`${s.title}`));
    add(d, `${s.title}: received`, 'short', [
      { expr: `sum by (receiver) (rate(otelcol_receiver_accepted_${s.name}_total{{{jobs}}}[$__rate_interval]))`, legend: 'accepted {{receiver}}' },
      { expr: `sum by (receiver) (rate(otelcol_receiver_refused_${s.name}_total{{{jobs}}}[$__rate_interval]))`, legend: 'refused {{receiver}}' },
    ], `${s.title} accepted and refused by Alloy's receivers, per second. Refused data was pushed back to the sender (memory limit, full queue).`);
    add(d, `${s.title}: exported`, 'short', [
      { expr: `sum by (exporter) (rate(otelcol_exporter_sent_${s.name}_total{{{jobs}}}[$__rate_interval]))`, legend: 'sent {{exporter}}' },
      { expr: `sum by (exporter) (rate(otelcol_exporter_send_failed_${s.name}_total{{{jobs}}}[$__rate_interval]))`, legend: 'dropped {{exporter}}' },
    ], `${s.title} sent and dropped by Alloy's exporters, per second. They retry without end, so a drop is data the backend refused for good.`);
  }
  d.withRow(new RowBuilder('Queues and write-ahead log'));
  add(d, 'Exporter queue: bytes vs capacity', 'bytes', [
    { expr: 'max by (exporter) (otelcol_exporter_queue_size{{{jobs}}})', legend: 'size {{exporter}}' },
    { expr: 'max by (exporter) (otelcol_exporter_queue_capacity{{{jobs}}})', legend: 'capacity {{exporter}}' },
  ], 'Bytes waiting in each exporter\'s disk queue, against its capacity. A full queue refuses new OTLP data, and makes the log tailers wait.');
  add(d, 'Remote write: samples', 'short', [
    { expr: 'sum(rate(prometheus_remote_storage_samples_total{{{jobs}}}[$__rate_interval]))', legend: 'sent' },
    { expr: 'sum(rate(prometheus_remote_storage_samples_failed_total{{{jobs}}}[$__rate_interval]))', legend: 'failed' },
    { expr: 'sum(rate(prometheus_remote_storage_samples_retried_total{{{jobs}}}[$__rate_interval]))', legend: 'retried' },
  ], 'Samples sent by prometheus.remote_write, per second.');
  add(d, 'Remote write: lag', 's', [
    {
      expr: 'max(prometheus_remote_storage_highest_timestamp_in_seconds{{{jobs}}}) - max(prometheus_remote_storage_queue_highest_sent_timestamp_seconds{{{jobs}}})',
      legend: 'behind',
    },
  ], 'How far the newest sent sample is behind the newest sample in the WAL.');
  add(d, 'WAL', 'short', [
    { expr: 'sum(prometheus_remote_write_wal_storage_active_series{{{jobs}}})', legend: 'active series' },
    { expr: 'sum(rate(prometheus_remote_write_wal_samples_appended_total{{{jobs}}}[$__rate_interval]))', legend: 'samples appended/s' },
  ], 'The write-ahead log of prometheus.remote_write.');
  add(d, 'Logs written by loki.write', 'short', [
    { expr: 'sum(rate(loki_write_sent_entries_total{{{jobs}}}[$__rate_interval]))', legend: 'sent' },
    { expr: 'sum(rate(loki_write_dropped_entries_total{{{jobs}}}[$__rate_interval]))', legend: 'dropped' },
  ], 'Entries sent and dropped by loki.write, per second.');
  return toFile('alloy-health.json', d.build());
}

/**
 * Tempo, Prometheus and Loki: what each ingests and what each refuses. A backend's row is made
 * only when it is there (something exports its own ingestion counter): a backend outside the
 * stack is not scraped, and a shared metric (Alloy's WAL is `prometheus_tsdb_wal_*` too) would
 * otherwise fill its row.
 */
export function backendsDashboard(datasourceUid: string, ctx: TelemetryContext): DashboardFile {
  const d = dashboard('Backends: ingestion', 'cdk8s-alloy-backends', ['tempo', 'prometheus', 'loki']);
  const add = panels(datasourceUid, ctx);
  const tempo = ctx.exports('tempo_distributor_spans_received_total');
  const prometheus = ctx.exports('prometheus_tsdb_head_samples_appended_total');
  const loki = ctx.exports('loki_distributor_lines_received_total');
  if (tempo) d.withRow(new RowBuilder('Tempo'));
  if (tempo) add(d, 'Tempo: spans received and discarded', 'short', [
    { expr: 'sum(rate(tempo_distributor_spans_received_total{{{jobs}}}[$__rate_interval]))', legend: 'received' },
    { expr: 'sum by (reason) (rate(tempo_discarded_spans_total{{{jobs}}}[$__rate_interval]))', legend: 'discarded {{reason}}' },
  ], 'Spans per second.');
  if (tempo) add(d, 'Tempo: metrics generator', 'short', [
    { expr: 'sum(rate(tempo_metrics_generator_spans_received_total{{{jobs}}}[$__rate_interval]))', legend: 'spans in' },
    { expr: 'sum by (reason) (rate(tempo_metrics_generator_spans_discarded_total{{{jobs}}}[$__rate_interval]))', legend: 'left out {{reason}}' },
    { expr: 'sum(tempo_metrics_generator_registry_active_series{{{jobs}}})', legend: 'active series' },
  ], 'Service graphs and span metrics written to Prometheus, and spans left out of them (later than the late-span window).');
  if (prometheus) d.withRow(new RowBuilder('Prometheus'));
  if (prometheus) add(d, 'Prometheus: samples appended and refused', 'short', [
    { expr: 'sum(rate(prometheus_tsdb_head_samples_appended_total{{{jobs}}}[$__rate_interval]))', legend: 'appended' },
    { expr: 'sum(rate(prometheus_tsdb_too_old_samples_total{{{jobs}}}[$__rate_interval]))', legend: 'too old' },
    {
      expr: 'sum by (handler, code) (rate(prometheus_http_requests_total{{{jobs}}, handler=~"/api/v1/write|/api/v1/otlp/v1/metrics"}[$__rate_interval]))',
      legend: '{{handler}} {{code}}',
    },
  ], 'Samples per second, samples refused as older than the out-of-order window, and pushes (remote write, OTLP) by status code.');
  if (prometheus) add(d, 'Prometheus: storage', 'bytes', [
    { expr: 'sum(prometheus_tsdb_storage_blocks_bytes{{{jobs}}})', legend: 'blocks' },
    { expr: 'sum(prometheus_tsdb_wal_storage_size_bytes{{{jobs}}})', legend: 'WAL' },
  ], 'Bytes on the data volume.');
  if (loki) d.withRow(new RowBuilder('Loki'));
  if (loki) add(d, 'Loki: lines received and discarded', 'short', [
    { expr: 'sum(rate(loki_distributor_lines_received_total{{{jobs}}}[$__rate_interval]))', legend: 'received' },
    { expr: 'sum by (reason) (rate(loki_discarded_samples_total{{{jobs}}}[$__rate_interval]))', legend: 'discarded {{reason}}' },
  ], 'Log lines per second.');
  // the volumes after the last backend's row (a row of their own when Loki's is not there)
  if (!loki && ctx.exports('kubelet_volume_stats_available_bytes')) d.withRow(new RowBuilder('Volumes'));
  add(d, 'Volumes: free space', 'percentunit', [
    {
      expr: `kubelet_volume_stats_available_bytes{namespace="${ctx.namespace}"} / kubelet_volume_stats_capacity_bytes{namespace="${ctx.namespace}"}`,
      legend: '{{persistentvolumeclaim}}',
    },
  ], `Free share of each volume in ${ctx.namespace} (from the kubelets).`);
  return toFile('backends-ingestion.json', d.build());
}

/** Every query of a dashboard, with its panel's title. */
export function dashboardQueries(file: DashboardFile): Array<{ panel: string; expr: string }> {
  const model = JSON.parse(file.json) as { panels?: Array<{ title?: string; targets?: Array<{ expr?: string }> }> };
  return (model.panels ?? []).flatMap((p) => (p.targets ?? []).flatMap((t) => (t.expr === undefined ? [] : [{ panel: p.title ?? '', expr: t.expr }])));
}

function toFile(fileName: string, dashboard: { uid?: string }): DashboardFile {
  return { fileName, uid: dashboard.uid ?? fileName, json: JSON.stringify(dashboard, null, 2) + '\n' };
}
