/**
 * Metric names the backends export on their own /metrics, each read in the backend's source
 * at the tag versions.ts pins. A synth-time check uses them so that an alert or dashboard
 * panel never queries a metric that nothing exports.
 *
 * Each comment cites where the name is registered, as repo@tag:path:line (the line of the
 * `Name:` field; the namespace and subsystem it is joined with are in the same Opts unless a
 * second citation is given). client_golang joins Namespace_Subsystem_Name and adds no
 * `_total`, so each counter's Name in the source already ends in `_total`. Histograms are
 * not listed.
 *
 * `handler` label values of prometheus_http_requests_total in Prometheus v3.14.0: the
 * /api/v1 router is instrumented with
 * `instrumentHandlerWithPrefix("/api/v1")` (web/web.go:762), which labels a route with
 * "/api/v1" + the path it was registered under (web/web.go:191), not the URL path. So the
 * value is the same whatever --web.route-prefix is set to:
 *   remote-write receiver: "/api/v1/write"            (web/api/v1/api.go:483)
 *   OTLP receiver:         "/api/v1/otlp/v1/metrics"  (web/api/v1/api.go:484)
 * instrumentHandler creates each handler's code="200" series at startup (web/web.go:196),
 * so both series exist even with no traffic.
 */

/** Metric names a backend exports on its own /metrics, read in its source at the pinned version. */
export const BACKEND_METRICS: Readonly<Record<'tempo' | 'loki' | 'prometheus' | 'alertmanager' | 'grafana', readonly string[]>> = {
  tempo: [
    // grafana/tempo@v2.10.8:modules/overrides/discarded_spans.go:26 (labels reason, tenant)
    'tempo_discarded_spans_total',
    // grafana/tempo@v2.10.8:modules/distributor/queue/queue.go:26 (Subsystem "distributor" at :25; labels name, tenant).
    // The older tempo_distributor_forwarder_pushes_failures_total (modules/distributor/forwarder.go:33) is deprecated in its favour.
    'tempo_distributor_queue_pushes_failures_total',
    // grafana/tempo@v2.10.8:modules/distributor/distributor.go:77 (label tenant)
    'tempo_distributor_spans_received_total',
    // grafana/tempo@v2.10.8:modules/generator/localserieslimiter/local_series_limiter.go:30 (label tenant; filled while
    // metrics_generator.limiter_type is "series", the default at modules/generator/config.go:99)
    'tempo_metrics_generator_registry_active_series',
    // grafana/tempo@v2.10.8:modules/generator/instance.go:60 (labels tenant, reason, processor)
    'tempo_metrics_generator_spans_discarded_total',
    // grafana/tempo@v2.10.8:modules/generator/instance.go:50 (label tenant)
    'tempo_metrics_generator_spans_received_total',
    // grafana/tempo@v2.10.8:pkg/dataquality/warnings.go:21 (labels tenant, reason)
    'tempo_warnings_total',
  ],
  loki: [
    // Namespace constants.Loki = "loki": grafana/loki@v3.7.6:pkg/util/constants/metrics_namespace.go:4
    // grafana/loki@v3.7.6:pkg/validation/validate.go:121 (labels reason, tenant, retention_hours, policy, format)
    'loki_discarded_bytes_total',
    // grafana/loki@v3.7.6:pkg/validation/validate.go:131 (labels reason, tenant, retention_hours, policy, format)
    'loki_discarded_samples_total',
    // grafana/loki@v3.7.6:pkg/loghttp/push/push.go:46 (labels tenant, retention_hours, is_internal_stream, policy, format)
    'loki_distributor_bytes_received_total',
    // grafana/loki@v3.7.6:pkg/loghttp/push/push.go:57 (labels tenant, is_internal_stream, policy, format)
    'loki_distributor_lines_received_total',
  ],
  prometheus: [
    // prometheus/prometheus@v3.14.0:storage/remote/write_otlp_handler.go:248 (Namespace "prometheus", Subsystem "api";
    // registered only when the OTLP receiver is on: --web.enable-otlp-receiver, web/api/v1/api.go:376)
    'prometheus_api_otlp_out_of_order_exemplars_total',
    // prometheus/prometheus@v3.14.0:web/web.go:152 (labels handler, code)
    'prometheus_http_requests_total',
    // prometheus/prometheus@v3.14.0:notifier/metric.go:76 (namespace/subsystem "prometheus"/"notifications" at
    // notifier/manager.go:44-45; label alertmanager)
    'prometheus_notifications_dropped_total',
    // prometheus/prometheus@v3.14.0:rules/group.go:993 (namespace "prometheus" at rules/group.go:910; label rule_group)
    'prometheus_rule_evaluation_failures_total',
    // prometheus/prometheus@v3.14.0:tsdb/head.go:527 (label type)
    'prometheus_tsdb_head_samples_appended_total',
    // prometheus/prometheus@v3.14.0:tsdb/head.go:535 (label type)
    'prometheus_tsdb_out_of_bound_samples_total',
    // prometheus/prometheus@v3.14.0:tsdb/head.go:539 (label type)
    'prometheus_tsdb_out_of_order_samples_total',
    // prometheus/prometheus@v3.14.0:tsdb/db.go:465
    'prometheus_tsdb_storage_blocks_bytes',
    // prometheus/prometheus@v3.14.0:tsdb/head.go:543 (label type)
    'prometheus_tsdb_too_old_samples_total',
    // prometheus/prometheus@v3.14.0:tsdb/wlog/wlog.go:267 (Name "storage_size_bytes", registered through
    // WrapRegistererWithPrefix("prometheus_tsdb_wal_") at tsdb/wlog/wlog.go:321-325)
    'prometheus_tsdb_wal_storage_size_bytes',
  ],
  alertmanager: [
    // prometheus/alertmanager@v0.29.0:provider/mem/mem.go:72 (gauge, const label state: active|suppressed|unprocessed)
    'alertmanager_alerts',
    // prometheus/alertmanager@v0.29.0:notify/notify.go:286 (labels integration[, receiver_name], reason)
    'alertmanager_notifications_failed_total',
    // prometheus/alertmanager@v0.29.0:notify/notify.go:281 (labels integration[, receiver_name])
    'alertmanager_notifications_total',
    // prometheus/alertmanager@v0.29.0:silence/silence.go:237 (gauge, const label state: active|pending|expired)
    'alertmanager_silences',
  ],
  // Not verified at 12.x, so nothing is listed. The Grafana source was not fetched (the repository
  // is too large to mirror here), and the stored copies of pkg/infra/metrics/metrics.go cannot be
  // tied to a 12.x tag. In the copies we could read, grafana_build_info is the Gauge
  // Name "build_info" with Namespace ExporterName = "grafana" and labels version, revision,
  // branch, goversion, edition. Add it here with a citation only once it has been read at
  // grafana/grafana@v12.4.3.
  grafana: [],
};
