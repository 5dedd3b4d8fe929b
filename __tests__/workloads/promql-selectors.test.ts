/**
 * Alerts and dashboards name only metrics something in the environment exports, and only jobs
 * that exist: the selector reader, the check, and the alerts following the collectors present.
 */
import { ObservabilityStack } from '../../lib';
import { MetricsSource, selectorProblems, selectorsOf } from '../../lib/workloads/promql-selectors';
import { testApp } from '../support/manifests';

describe('reading selectors', () => {
  test('names, __name__ regexes and job matchers; not functions, grouping labels, ranges or strings', () => {
    const s = selectorsOf('sum by (instance, exporter) (rate({__name__=~"a_(b|c)_total", job=~"x|y"}[5m])) > 0 or min_over_time(q_size{job="x"}[10m]) / on(instance) group_left vector(1)');
    expect(s.map((x) => [x.name instanceof RegExp ? x.name.source : x.name, x.job instanceof RegExp ? x.job.source : x.job])).toEqual([
      ['^(?:a_(b|c)_total)$', '^(?:x|y)$'],
      ['q_size', 'x'],
    ]);
    // a character class inside a label value is not a range
    expect(selectorsOf('rate(http_requests_total{code=~"[45].."}[5m])').map((x) => x.name)).toEqual(['http_requests_total']);
    expect((selectorsOf('{__name__=~"a_[0-9]+_total"}')[0].name as RegExp).source).toBe('^(?:a_[0-9]+_total)$');
    expect(selectorsOf('up == 0 offset 5m').map((x) => x.name)).toEqual(['up']);
  });

  test('fails loudly on what it cannot read', () => {
    expect(() => selectorsOf('{job="x"}')).toThrow('cannot read the selector {job="x"} of "{job=\\"x\\"}": it names no metric');
    expect(() => selectorsOf('up{job!="x"}')).toThrow('cannot check the job matcher job!="x"');
  });
});

describe('the check', () => {
  const sources: MetricsSource[] = [
    { job: 'alloy', from: 'alloy', metrics: () => ['up', 'otelcol_exporter_queue_size', 'go_*'] },
    { from: 'remote-written', metrics: () => ['kubelet_volume_stats_available_bytes'] },
  ];
  test('passes what a source exports, with its job', () => {
    expect(selectorProblems('a', 'otelcol_exporter_queue_size{job="alloy"} > 0', sources, ['alloy'])).toEqual([]);
    expect(selectorProblems('a', 'kubelet_volume_stats_available_bytes < 1', sources, ['alloy'])).toEqual([]);
    // a family of Alloy's list (go_*) covers its members
    expect(selectorProblems('a', 'go_goroutines{job="alloy"}', sources, ['alloy'])).toEqual([]);
  });

  test('fails when a metric is exported by nothing, or not by the job named', () => {
    expect(selectorProblems('x: alert A', 'loki_write_dropped_entries_total{job=~"alloy"} > 0', sources, ['alloy'])).toEqual([
      'x: alert A: loki_write_dropped_entries_total{job=~"alloy"} selects the metric loki_write_dropped_entries_total, which no job it names exports (jobs: alloy); ' +
      'remove the query or add what exports it',
    ]);
    expect(selectorProblems('a', 'kubelet_volume_stats_available_bytes{job="alloy"}', sources, ['alloy'])).toHaveLength(1);
  });

  test('fails when a list of jobs names one that is not scraped', () => {
    expect(selectorProblems('a', 'up{job=~"alloy|alloy-node-logs"} == 0', sources, ['alloy'])).toEqual([
      'a: up{job=~"alloy|alloy-node-logs"} names the job alloy-node-logs, which Prometheus does not scrape (jobs: alloy); select only jobs that exist',
    ]);
  });
});

describe('alerts follow what the environment holds', () => {
  const rule = (s: ObservabilityStack, name: string) => s.prometheus.alerts.find((a) => a.alert === name)?.expr;

  test('the default stack: queue alerts on the collectors with queues, remote write on alloy-metrics, every job watched', () => {
    const s = new ObservabilityStack(testApp(), 'observability');
    expect(rule(s, 'AlloyExporterQueueFilling')).toContain('{job=~"alloy|alloy-logs"}');
    expect(rule(s, 'AlloyRemoteWriteFailing')).toContain('{job="alloy-metrics"}');
    expect(rule(s, 'TelemetryComponentDown')).toBe('up{job=~"prometheus|alloy|alloy-metrics|alloy-logs|alertmanager|tempo|loki|grafana"} == 0');
    // nothing exports loki.write's metrics: no alert on them
    expect(s.prometheus.alerts.map((a) => a.expr).join('\n')).not.toContain('loki_write');
    for (const a of s.prometheus.alerts) {
      expect(s.prometheus.queryProblems(a.alert, a.expr)).toEqual([]);
    }
  });

  test('node logs on: the DaemonSet is watched; collectors folded into the gateway: its job takes their alerts', () => {
    const withNodeLogs = new ObservabilityStack(testApp(), 'observability', { nodeLogs: true });
    expect(rule(withNodeLogs, 'TelemetryComponentDown')).toContain('alloy-node-logs');
    const folded = new ObservabilityStack(testApp(), 'observability', { metricsCollector: false, logsCollector: false });
    expect(rule(folded, 'AlloyRemoteWriteFailing')).toContain('{job="alloy"}');
    expect(rule(folded, 'TelemetryComponentDown')).toBe('up{job=~"prometheus|alloy|alertmanager|tempo|loki|grafana"} == 0');
  });

  test('fails at synth when a dashboard or alert of the stack would query what nothing exports', () => {
    const s = new ObservabilityStack(testApp(), 'observability');
    expect(s.prometheus.queryProblems('observability/grafana: dashboard x, panel "y"', 'sum(rate(loki_write_sent_entries_total{job="alloy"}[5m]))')).toEqual([
      'observability/grafana: dashboard x, panel "y": loki_write_sent_entries_total{job="alloy"} selects the metric loki_write_sent_entries_total, which no job it names exports ' +
      '(jobs: prometheus, alloy, alloy-metrics, alloy-logs, alertmanager, tempo, loki, grafana); remove the query or add what exports it',
    ]);
  });
});
