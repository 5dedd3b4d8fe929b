/**
 * Dashboards for the health of the telemetry pipeline, built with Grafana's own
 * dashboards-as-code library (@grafana/grafana-foundation-sdk) and provisioned as files.
 */
import { DashboardBuilder, DashboardCursorSync, RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { DataqueryBuilder } from '@grafana/grafana-foundation-sdk/prometheus';
import { PanelBuilder } from '@grafana/grafana-foundation-sdk/timeseries';

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

/** Alloy: what it receives, accepts, refuses and sends per signal, its queues, remote write and WAL. */
export function alloyDashboard(datasourceUid: string): DashboardFile {
  const d = new DashboardBuilder('Alloy: telemetry health')
    .uid('cdk8s-alloy-health')
    .tags(['cdk8s-alloy', 'alloy'])
    .refresh('30s')
    .time({ from: 'now-3h', to: 'now' })
    .tooltip(DashboardCursorSync.Crosshair)
    .readonly();
  for (const s of SIGNALS) {
    d.withRow(new RowBuilder(`${s.title}`));
    d.withPanel(panel(datasourceUid, `${s.title}: received`, 'short', [
      { expr: `sum by (receiver) (rate(otelcol_receiver_accepted_${s.name}_total{job=~"alloy|alloy-.+"}[$__rate_interval]))`, legend: 'accepted {{receiver}}' },
      { expr: `sum by (receiver) (rate(otelcol_receiver_refused_${s.name}_total{job=~"alloy|alloy-.+"}[$__rate_interval]))`, legend: 'refused {{receiver}}' },
    ], `${s.title} accepted and refused by Alloy's receivers, per second. Refused data was pushed back to the sender (memory limit, full queue).`));
    d.withPanel(panel(datasourceUid, `${s.title}: exported`, 'short', [
      { expr: `sum by (exporter) (rate(otelcol_exporter_sent_${s.name}_total{job=~"alloy|alloy-.+"}[$__rate_interval]))`, legend: 'sent {{exporter}}' },
      { expr: `sum by (exporter) (rate(otelcol_exporter_send_failed_${s.name}_total{job=~"alloy|alloy-.+"}[$__rate_interval]))`, legend: 'failed {{exporter}}' },
    ], `${s.title} sent and failed by Alloy's exporters, per second.`));
  }
  d.withRow(new RowBuilder('Queues and write-ahead log'));
  d.withPanel(panel(datasourceUid, 'Exporter queue: size vs capacity', 'short', [
    { expr: 'max by (exporter) (otelcol_exporter_queue_size{job=~"alloy|alloy-.+"})', legend: 'size {{exporter}}' },
    { expr: 'max by (exporter) (otelcol_exporter_queue_capacity{job=~"alloy|alloy-.+"})', legend: 'capacity {{exporter}}' },
  ], 'Batches waiting in each exporter\'s sending queue, against its capacity. A full queue refuses new data.'));
  d.withPanel(panel(datasourceUid, 'Remote write: samples', 'short', [
    { expr: 'sum(rate(prometheus_remote_storage_samples_total{job=~"alloy|alloy-.+"}[$__rate_interval]))', legend: 'sent' },
    { expr: 'sum(rate(prometheus_remote_storage_samples_failed_total{job=~"alloy|alloy-.+"}[$__rate_interval]))', legend: 'failed' },
    { expr: 'sum(rate(prometheus_remote_storage_samples_retried_total{job=~"alloy|alloy-.+"}[$__rate_interval]))', legend: 'retried' },
  ], 'Samples sent by prometheus.remote_write, per second.'));
  d.withPanel(panel(datasourceUid, 'Remote write: lag', 's', [
    { expr: 'max(prometheus_remote_storage_highest_timestamp_in_seconds{job=~"alloy|alloy-.+"}) - max(prometheus_remote_storage_queue_highest_sent_timestamp_seconds{job=~"alloy|alloy-.+"})', legend: 'behind' },
  ], 'How far the newest sent sample is behind the newest sample in the WAL.'));
  d.withPanel(panel(datasourceUid, 'WAL', 'short', [
    { expr: 'sum(prometheus_remote_write_wal_storage_active_series{job=~"alloy|alloy-.+"})', legend: 'active series' },
    { expr: 'sum(rate(prometheus_remote_write_wal_samples_appended_total{job=~"alloy|alloy-.+"}[$__rate_interval]))', legend: 'samples appended/s' },
  ], 'The write-ahead log of prometheus.remote_write.'));
  d.withPanel(panel(datasourceUid, 'Logs written to Loki', 'short', [
    { expr: 'sum(rate(loki_write_sent_entries_total{job=~"alloy|alloy-.+"}[$__rate_interval]))', legend: 'sent' },
    { expr: 'sum(rate(loki_write_dropped_entries_total{job=~"alloy|alloy-.+"}[$__rate_interval]))', legend: 'dropped' },
  ], 'Entries sent and dropped by loki.write, per second.'));
  return toFile('alloy-health.json', d.build());
}

/** Tempo, Prometheus and Loki: what each ingests and what each refuses. */
export function backendsDashboard(datasourceUid: string, namespace: string): DashboardFile {
  const d = new DashboardBuilder('Backends: ingestion')
    .uid('cdk8s-alloy-backends')
    .tags(['cdk8s-alloy', 'tempo', 'prometheus', 'loki'])
    .refresh('30s')
    .time({ from: 'now-3h', to: 'now' })
    .tooltip(DashboardCursorSync.Crosshair)
    .readonly();
  d.withRow(new RowBuilder('Tempo'));
  d.withPanel(panel(datasourceUid, 'Tempo: spans received and discarded', 'short', [
    { expr: 'sum(rate(tempo_distributor_spans_received_total{job="tempo"}[$__rate_interval]))', legend: 'received' },
    { expr: 'sum by (reason) (rate(tempo_discarded_spans_total{job="tempo"}[$__rate_interval]))', legend: 'discarded {{reason}}' },
  ], 'Spans per second.'));
  d.withPanel(panel(datasourceUid, 'Tempo: metrics generator', 'short', [
    { expr: 'sum(rate(tempo_metrics_generator_spans_received_total{job="tempo"}[$__rate_interval]))', legend: 'spans in' },
    { expr: 'sum(tempo_metrics_generator_registry_active_series{job="tempo"})', legend: 'active series' },
  ], 'Service graphs and span metrics written to Prometheus.'));
  d.withRow(new RowBuilder('Prometheus'));
  d.withPanel(panel(datasourceUid, 'Prometheus: samples appended', 'short', [
    { expr: 'sum(rate(prometheus_tsdb_head_samples_appended_total{job="prometheus"}[$__rate_interval]))', legend: 'appended' },
    { expr: 'sum by (code) (rate(prometheus_http_requests_total{job="prometheus", handler="/api/v1/write"}[$__rate_interval]))', legend: 'remote-write requests {{code}}' },
  ], 'Samples per second, and remote-write requests by status code.'));
  d.withPanel(panel(datasourceUid, 'Prometheus: storage', 'bytes', [
    { expr: 'sum(prometheus_tsdb_storage_blocks_bytes{job="prometheus"})', legend: 'blocks' },
    { expr: 'sum(prometheus_tsdb_wal_storage_size_bytes{job="prometheus"})', legend: 'WAL' },
  ], 'Bytes on the data volume.'));
  d.withRow(new RowBuilder('Loki'));
  d.withPanel(panel(datasourceUid, 'Loki: lines received and discarded', 'short', [
    { expr: 'sum(rate(loki_distributor_lines_received_total{job="loki"}[$__rate_interval]))', legend: 'received' },
    { expr: 'sum by (reason) (rate(loki_discarded_samples_total{job="loki"}[$__rate_interval]))', legend: 'discarded {{reason}}' },
  ], 'Log lines per second.'));
  d.withPanel(panel(datasourceUid, 'Volumes: free space', 'percentunit', [
    { expr: `kubelet_volume_stats_available_bytes{namespace="${namespace}"} / kubelet_volume_stats_capacity_bytes{namespace="${namespace}"}`, legend: '{{persistentvolumeclaim}}' },
  ], `Free share of each volume in ${namespace} (from the kubelets).`));
  return toFile('backends-ingestion.json', d.build());
}

function toFile(fileName: string, dashboard: { uid?: string }): DashboardFile {
  return { fileName, uid: dashboard.uid ?? fileName, json: JSON.stringify(dashboard, null, 2) + '\n' };
}
