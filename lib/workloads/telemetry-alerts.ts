/**
 * Alerts for the health of the telemetry pipeline itself: Alloy's exporters failing or
 * queueing, data refused or dropped anywhere on the way, a backend down, a volume filling,
 * data arriving later than a backend's window. Each is made only when something in the
 * environment exports its metric, with the jobs that do (TelemetryContext), and Prometheus
 * checks every selector at synth (promql-selectors.ts).
 * Expressions use only what both Prometheus 2.42 (Debian's promtool) and v3 accept;
 * annotations use only labels, so unit tests can state them exactly.
 */
import { jobMatcher } from './promql-selectors';

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

/**
 * What Prometheus holds in this environment: the jobs it scrapes, the Alloy collectors among
 * them, and who exports each metric. Alerts and dashboards are built from it, so they name
 * only jobs that exist and metrics something exports.
 */
export interface TelemetryContext {
  /** The namespace of the stack (for the volume alert). */
  readonly namespace: string;
  /** Every scrape job, in the order they were added. */
  readonly jobs: readonly string[];
  /** The scrape jobs of Alloy collectors. */
  readonly collectorJobs: readonly string[];
  /** The scrape jobs that export `metric`. */
  jobsExporting(metric: string): string[];
  /** Whether anything (a scrape job or a remote-writing collector) exports `metric`. */
  exports(metric: string): boolean;
}


/** The telemetry-health alerts for what the context holds: an alert whose metric nothing exports is left out. */
export function telemetryAlerts(ctx: TelemetryContext): AlertRule[] {
  const rules: AlertRule[] = [];
  const add = (metric: string, rule: (jobs: string) => AlertRule): void => {
    const jobs = ctx.jobsExporting(metric);
    if (jobs.length > 0) rules.push(rule(jobMatcher(jobs)));
  };
  add('otelcol_exporter_queue_size', (jobs) => ({
    alert: 'AlloyExporterQueueNotDraining',
    // retries without end never count as failures: a queue that has not been empty for 10
    // minutes is the sign that a backend does not take the data
    expr: `min by (instance, exporter) (min_over_time(otelcol_exporter_queue_size{${jobs}}[10m])) > 0`,
    for: '5m',
    severity: 'warning',
    summary: 'Alloy exporter {{ $labels.exporter }} cannot deliver',
    description: 'The queue of {{ $labels.exporter }} on {{ $labels.instance }} has not drained for 15 minutes: its backend does not take the data, which waits in the queue while it has room.',
  }));
  add('otelcol_exporter_queue_capacity', (jobs) => ({
    alert: 'AlloyExporterQueueFilling',
    expr: `max by (instance, exporter) (otelcol_exporter_queue_size{${jobs}} / otelcol_exporter_queue_capacity{${jobs}}) > 0.8`,
    for: '5m',
    severity: 'warning',
    summary: 'Alloy exporter queue {{ $labels.exporter }} is above 80 %',
    description: 'The sending queue of {{ $labels.exporter }} on {{ $labels.instance }} has been over 80 % full for 5 minutes; when it is full, new data is refused (OTLP senders retry) or waited for (log tailers stop reading).',
  }));
  add('otelcol_exporter_send_failed_spans_total', (jobs) => ({
    alert: 'AlloyDataDropped',
    // retries never end, so a counted failure is data the backend refused for good (a 4xx,
    // a permanent gRPC code) and the exporter dropped: a single loss is a loss
    expr: `sum by (instance, exporter) (increase({__name__=~"otelcol_exporter_send_failed_(spans|metric_points|log_records)_total", ${jobs}}[15m])) > 0`,
    for: '0m',
    severity: 'critical',
    summary: 'Alloy exporter {{ $labels.exporter }} dropped data',
    description: 'The backend of {{ $labels.exporter }} on {{ $labels.instance }} refused data for good in the last 15 minutes, and Alloy dropped it; its logs say why.',
  }));
  add('otelcol_receiver_refused_spans_total', (jobs) => ({
    alert: 'AlloyReceiverRefusing',
    expr: `sum by (instance, receiver) (rate({__name__=~"otelcol_receiver_refused_(spans|metric_points|log_records)_total", ${jobs}}[5m])) > 0`,
    for: '5m',
    severity: 'warning',
    summary: 'Alloy refuses data on {{ $labels.receiver }}',
    description: 'Alloy on {{ $labels.instance }} has refused data on {{ $labels.receiver }} for 5 minutes (memory limit or full queue); senders must retry.',
  }));
  add('prometheus_remote_storage_samples_failed_total', (jobs) => ({
    alert: 'AlloyRemoteWriteFailing',
    expr: `sum by (instance) (rate(prometheus_remote_storage_samples_failed_total{${jobs}}[5m])) > 0 or sum by (instance) (rate(prometheus_remote_storage_samples_retried_total{${jobs}}[5m])) > 0`,
    for: '10m',
    severity: 'warning',
    summary: 'Alloy cannot remote-write metrics',
    description: 'prometheus.remote_write on {{ $labels.instance }} has been failing or retrying for 10 minutes; unsent samples wait in the WAL until it is truncated.',
  }));
  add('prometheus_remote_storage_queue_highest_sent_timestamp_seconds', (jobs) => ({
    alert: 'AlloyRemoteWriteBehind',
    expr: `(max by (instance) (prometheus_remote_storage_highest_timestamp_in_seconds{${jobs}}) - max by (instance) (prometheus_remote_storage_queue_highest_sent_timestamp_seconds{${jobs}})) > 300`,
    for: '10m',
    severity: 'warning',
    summary: 'Alloy remote write is more than 5 minutes behind',
    description: 'prometheus.remote_write on {{ $labels.instance }} has been more than 5 minutes behind for 10 minutes; data older than the WAL keepalive is lost.',
  }));
  add('prometheus_http_requests_total', (jobs) => ({
    alert: 'PrometheusRefusingPushes',
    // remote write and OTLP fail a whole request for one bad sample, with a 400 that senders do
    // not retry (too old for the out-of-order window, duplicate), or a 5xx
    expr: `sum by (instance, handler, code) (rate(prometheus_http_requests_total{${jobs}, handler=~"/api/v1/write|/api/v1/otlp/v1/metrics", code=~"[45].."}[5m])) > 0`,
    for: '5m',
    severity: 'warning',
    summary: 'Prometheus refuses pushed metrics on {{ $labels.handler }} ({{ $labels.code }})',
    description: 'Prometheus on {{ $labels.instance }} answers {{ $labels.handler }} with {{ $labels.code }}: a 4xx is dropped by the sender (samples older than the out-of-order window, duplicates), a 5xx is retried.',
  }));
  add('prometheus_tsdb_too_old_samples_total', (jobs) => ({
    alert: 'PrometheusSamplesTooOld',
    expr: `sum by (instance) (increase(prometheus_tsdb_too_old_samples_total{${jobs}}[15m])) > 0`,
    for: '0m',
    severity: 'warning',
    summary: 'Prometheus refused samples older than its out-of-order window',
    description: 'Prometheus on {{ $labels.instance }} refused samples as too old: a backlog older than the out-of-order window, which the stack derives from the collectors\' queues. A sender holds more than the budget says.',
  }));
  add('loki_discarded_samples_total', (jobs) => ({
    alert: 'LokiDiscardingLogs',
    expr: `sum by (reason) (increase(loki_discarded_samples_total{${jobs}}[15m])) > 0`,
    for: '0m',
    severity: 'warning',
    summary: 'Loki discards log lines ({{ $labels.reason }})',
    description: 'Loki discards log lines for {{ $labels.reason }}; raise the matching limit or fix the sender.',
  }));
  add('tempo_discarded_spans_total', (jobs) => ({
    alert: 'TempoDiscardingSpans',
    expr: `sum by (reason) (increase(tempo_discarded_spans_total{${jobs}}[15m])) > 0`,
    for: '0m',
    severity: 'warning',
    summary: 'Tempo discards spans ({{ $labels.reason }})',
    description: 'Tempo discards spans for {{ $labels.reason }}; raise the matching limit or fix the sender.',
  }));
  add('tempo_warnings_total', (jobs) => ({
    alert: 'TempoSpansOutsideWindow',
    // spans later than the ingestion slack are stored under their arrival time: searches over
    // their own time miss them
    expr: `sum by (reason) (increase(tempo_warnings_total{${jobs}, reason="outside_ingestion_time_slack"}[15m])) > 0`,
    for: '0m',
    severity: 'warning',
    summary: 'Tempo received spans later than its late-span window',
    description: 'Tempo stored traces whose spans are older than its ingestion slack, which the stack derives from the collectors\' queues: searches over their own time miss them. A sender holds more than the budget says.',
  }));
  rules.push({
    alert: 'Watchdog',
    // always firing: a receiver that stops getting it knows Prometheus or Alertmanager is down
    expr: 'vector(1)',
    for: '0m',
    severity: 'info',
    summary: 'The telemetry alerting pipeline is alive',
    description: 'This alert always fires. Route it to a dead man\'s switch: when it stops arriving, Prometheus or Alertmanager is down and no other alert can fire.',
  });
  rules.push({
    alert: 'TelemetryComponentDown',
    expr: `up{${jobMatcher(ctx.jobs)}} == 0`,
    for: '5m',
    severity: 'critical',
    summary: '{{ $labels.job }} is down',
    description: 'Prometheus cannot scrape {{ $labels.job }} at {{ $labels.instance }} for 5 minutes.',
  });
  if (ctx.exports('kubelet_volume_stats_available_bytes') && ctx.exports('kubelet_volume_stats_capacity_bytes')) {
    rules.push({
      alert: 'TelemetryVolumeNearlyFull',
      expr: `(kubelet_volume_stats_available_bytes{namespace="${ctx.namespace}"} / kubelet_volume_stats_capacity_bytes{namespace="${ctx.namespace}"}) < 0.15`,
      for: '10m',
      severity: 'warning',
      summary: 'Volume {{ $labels.persistentvolumeclaim }} is over 85 % full',
      description: 'Less than 15 % of {{ $labels.persistentvolumeclaim }} in {{ $labels.namespace }} is free; when it is full, writes fail.',
    });
  }
  return rules;
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
