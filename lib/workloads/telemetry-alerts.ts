/**
 * Alerts for the health of the telemetry pipeline itself: Alloy's exporters failing or
 * queueing, data refused or dropped anywhere on the way, a backend down, a volume filling.
 * Expressions use only what both Prometheus 2.42 (Debian's promtool) and v3 accept;
 * annotations use only labels, so unit tests can state them exactly.
 */

/** One alerting rule. */
export interface AlertRule {
  /** The alert's name, CamelCase. */
  readonly alert: string;
  /** PromQL; the alert fires while it returns series. */
  readonly expr: string;
  /** How long the condition must hold, such as "5m". */
  readonly for: string;
  readonly severity: 'critical' | 'warning' | 'info';
  readonly summary: string;
  readonly description: string;
}

/** Jobs of the stack's own workloads, as Prometheus scrapes them. */
export const STACK_JOBS = ['alloy', 'alloy-metrics', 'alloy-logs', 'alloy-node-logs', 'tempo', 'loki', 'prometheus', 'grafana', 'alertmanager'] as const;

/** The telemetry-health alerts, for a stack in `namespace`. */
export function telemetryAlerts(namespace: string): AlertRule[] {
  return [
    {
      alert: 'AlloyExporterSendFailing',
      // retries without end never count as failures: a queue that has not been empty for 10
      // minutes is the sign that a backend does not take the data
      expr: 'sum by (instance, exporter) (rate({__name__=~"otelcol_exporter_send_failed_(spans|metric_points|log_records)_total"}[5m])) > 0 or min by (instance, exporter) (min_over_time(otelcol_exporter_queue_size[10m])) > 0',
      for: '5m',
      severity: 'warning',
      summary: 'Alloy exporter {{ $labels.exporter }} cannot deliver',
      description: 'Alloy on {{ $labels.instance }} has failed to send through {{ $labels.exporter }}, or its queue has not drained, for 5 minutes; the data waits in the queue while it has room.',
    },
    {
      alert: 'AlloyExporterQueueFilling',
      expr: 'max by (instance, exporter) (otelcol_exporter_queue_size / otelcol_exporter_queue_capacity) > 0.8',
      for: '5m',
      severity: 'warning',
      summary: 'Alloy exporter queue {{ $labels.exporter }} is above 80 %',
      description: 'The sending queue of {{ $labels.exporter }} on {{ $labels.instance }} has been over 80 % full for 5 minutes; when it is full, new data is refused.',
    },
    {
      alert: 'AlloyReceiverRefusing',
      expr: 'sum by (instance, receiver) (rate({__name__=~"otelcol_receiver_refused_(spans|metric_points|log_records)_total"}[5m])) > 0',
      for: '5m',
      severity: 'warning',
      summary: 'Alloy refuses data on {{ $labels.receiver }}',
      description: 'Alloy on {{ $labels.instance }} has refused data on {{ $labels.receiver }} for 5 minutes (memory limit or full queue); senders must retry.',
    },
    {
      alert: 'AlloyRemoteWriteFailing',
      expr: 'sum by (instance) (rate(prometheus_remote_storage_samples_failed_total{job=~"alloy|alloy-.+"}[5m])) > 0 or sum by (instance) (rate(prometheus_remote_storage_samples_retried_total{job=~"alloy|alloy-.+"}[5m])) > 0',
      for: '10m',
      severity: 'warning',
      summary: 'Alloy cannot remote-write metrics',
      description: 'prometheus.remote_write on {{ $labels.instance }} has been failing or retrying for 10 minutes; unsent samples wait in the WAL until it is truncated.',
    },
    {
      alert: 'AlloyRemoteWriteBehind',
      expr: '(max by (instance) (prometheus_remote_storage_highest_timestamp_in_seconds{job=~"alloy|alloy-.+"}) - max by (instance) (prometheus_remote_storage_queue_highest_sent_timestamp_seconds{job=~"alloy|alloy-.+"})) > 300',
      for: '10m',
      severity: 'warning',
      summary: 'Alloy remote write is more than 5 minutes behind',
      description: 'prometheus.remote_write on {{ $labels.instance }} has been more than 5 minutes behind for 10 minutes; data older than the WAL keepalive is lost.',
    },
    {
      alert: 'AlloyLogsDropped',
      // a single loss is a loss: any increase within 15 minutes fires at once
      expr: 'sum by (instance) (increase(loki_write_dropped_entries_total{job=~"alloy|alloy-.+"}[15m])) > 0',
      for: '0m',
      severity: 'critical',
      summary: 'Alloy drops log entries',
      description: 'loki.write on {{ $labels.instance }} dropped log entries in the last 15 minutes after its retries ran out.',
    },
    {
      alert: 'PrometheusRemoteWriteReceiverErrors',
      expr: 'sum by (instance) (rate(prometheus_http_requests_total{job="prometheus", handler="/api/v1/write", code=~"5.."}[5m])) > 0',
      for: '5m',
      severity: 'warning',
      summary: 'Prometheus refuses remote-write requests',
      description: 'Prometheus on {{ $labels.instance }} answers remote-write requests with server errors; senders retry and queue.',
    },
    {
      alert: 'LokiDiscardingLogs',
      expr: 'sum by (reason) (increase(loki_discarded_samples_total{job="loki"}[15m])) > 0',
      for: '0m',
      severity: 'warning',
      summary: 'Loki discards log lines ({{ $labels.reason }})',
      description: 'Loki discards log lines for {{ $labels.reason }}; raise the matching limit or fix the sender.',
    },
    {
      alert: 'TempoDiscardingSpans',
      expr: 'sum by (reason) (increase(tempo_discarded_spans_total{job="tempo"}[15m])) > 0',
      for: '0m',
      severity: 'warning',
      summary: 'Tempo discards spans ({{ $labels.reason }})',
      description: 'Tempo discards spans for {{ $labels.reason }}; raise the matching limit or fix the sender.',
    },
    {
      alert: 'Watchdog',
      // always firing: a receiver that stops getting it knows Prometheus or Alertmanager is down
      expr: 'vector(1)',
      for: '0m',
      severity: 'info',
      summary: 'The telemetry alerting pipeline is alive',
      description: 'This alert always fires. Route it to a dead man\'s switch: when it stops arriving, Prometheus or Alertmanager is down and no other alert can fire.',
    },
    {
      alert: 'TelemetryComponentDown',
      expr: `up{job=~"${STACK_JOBS.join('|')}"} == 0`,
      for: '5m',
      severity: 'critical',
      summary: '{{ $labels.job }} is down',
      description: 'Prometheus cannot scrape {{ $labels.job }} at {{ $labels.instance }} for 5 minutes.',
    },
    {
      alert: 'TelemetryVolumeNearlyFull',
      expr: `(kubelet_volume_stats_available_bytes{namespace="${namespace}"} / kubelet_volume_stats_capacity_bytes{namespace="${namespace}"}) < 0.15`,
      for: '10m',
      severity: 'warning',
      summary: 'Volume {{ $labels.persistentvolumeclaim }} is over 85 % full',
      description: 'Less than 15 % of {{ $labels.persistentvolumeclaim }} in {{ $labels.namespace }} is free; when it is full, writes fail.',
    },
  ];
}

/** The rule file Prometheus loads, as an object for js-yaml. */
export function ruleFile(rules: readonly AlertRule[]): object {
  return {
    groups: [{
      name: 'telemetry-health',
      rules: rules.map((r) => ({
        alert: r.alert,
        expr: r.expr,
        for: r.for,
        labels: { severity: r.severity },
        annotations: { summary: r.summary, description: r.description },
      })),
    }],
  };
}
