/**
 * Contract tests of the seams between components: change one side of a coupling and the
 * other side moves, or synth fails naming the construct, the value and the fix.
 */
import { load } from 'js-yaml';
import { App } from 'cdk8s';
import { ObservabilityStack, ObservabilityStackProps } from '../../lib';
import { ENVIRONMENTS } from '../../lib/stack';
import { backendSchema, configProblems } from '../support/backend-schema';
import { find, manifestsOf, testApp } from '../support/manifests';

const MIB = 2 ** 20;

function build(props: ObservabilityStackProps = {}) {
  const app = testApp();
  const stack = new ObservabilityStack(app, 'observability', props);
  const ms = manifestsOf(stack);
  const yaml = (name: string, file: string) => load(find(ms, 'ConfigMap', name).data[file]) as any;
  return {
    app,
    stack,
    ms,
    tempo: () => yaml('tempo-config', 'tempo.yaml'),
    loki: () => yaml('loki-config', 'loki.yaml'),
    prometheus: () => yaml('prometheus-config', 'prometheus.yml'),
    alloy: (name = 'alloy') => find(ms, 'ConfigMap', `${name}-config`).data['config.alloy'] as string,
  };
}

function synthFails(props: ObservabilityStackProps, message: string): void {
  const app: App = testApp();
  new ObservabilityStack(app, 'observability', props);
  expect(() => app.synth()).toThrow(message);
}

/** The `max_size` of the batch of exporter `label`. */
function batchMax(config: string, kind: string, label: string): number {
  const start = config.indexOf(`${kind} "${label}" {\n`);
  const block = config.slice(start, config.indexOf('\n}\n', start));
  return Number(/max_size += (\d+)/.exec(block)![1]);
}

const base = build();

describe('the outage budget drives the backends\' acceptance windows', () => {
  test('Tempo: both ingestion slacks cover the oldest traces backlog with a margin (3Gi at 500 spans/s: 1h45m, and a tenth)', () => {
    const t = base.tempo();
    expect(t.storage.trace.wal.ingestion_time_range_slack).toBe('1h56m');
    expect(t.metrics_generator.metrics_ingestion_time_range_slack).toBe('1h56m');
    // searches ask the ingesters as far back
    expect(t.query_frontend.search.query_ingesters_until).toBe('1h56m');
  });

  test('Tempo: a bigger queue moves the slacks; a slower stated rate too', () => {
    expect(build({ alloy: { storageSize: '20Gi', durability: { tracesQueueSize: '9Gi' } } }).tempo().storage.trace.wal.ingestion_time_range_slack).toBe('5h47m');
    expect(build({ alloy: { durability: { ingestRates: { spansPerSecond: 250 } } } }).tempo().metrics_generator.metrics_ingestion_time_range_slack).toBe('3h51m');
  });

  test('fails when Tempo\'s late-span window is set shorter than a sender\'s backlog', () => {
    synthFails({ tempo: { lateSpanWindow: '30m' } },
      'observability/tempo: lateSpanWindow "30m" is shorter than the backlog observability/alloy/config may replay after an outage ' +
      '(1h45m: its traces queue of 3Gi at 500 spans/s), so that data would be refused or hidden; ' +
      'set lateSpanWindow to at least 1h45m, leave it unset to derive it, or make the queue smaller');
    expect(build({ tempo: { lateSpanWindow: '2h' } }).tempo().storage.trace.wal.ingestion_time_range_slack).toBe('2h');
  });

  test('Loki: max_chunk_age is twice the oldest logs backlog, and queries reach the ingesters past it', () => {
    const l = base.loki();
    // 3Gi at 1000 records/s x 512 B: 1h44m52s, and a tenth: a window of 1h56m
    expect(l.ingester.max_chunk_age).toBe('3h52m');
    expect(l.querier.query_ingesters_within).toBe('4h52m');
    const bigger = build({ alloy: { storageSize: '20Gi', durability: { logsQueueSize: '9Gi' } } }).loki();
    // 9Gi: 5h14m34s, a window of 5h47m
    expect(bigger.ingester.max_chunk_age).toBe('11h34m');
    expect(bigger.querier.query_ingesters_within).toBe('12h34m');
  });

  test('fails when Loki\'s late-entry window is set shorter than a sender\'s backlog', () => {
    synthFails({ loki: { lateLogWindow: '1h' } },
      'observability/loki: lateLogWindow "1h" is shorter than the backlog observability/alloy/config may replay after an outage (1h45m: its logs queue of 3Gi at 1000 log records/s)');
  });

  test('fails when a logs backlog outlasts Loki\'s 7-day limit on old entries', () => {
    synthFails({ alloy: { durability: { ingestRates: { logRecordsPerSecond: 1 } } } },
      'observability/loki: the late-entry window (1922h24m) is longer than Loki\'s reject_old_samples_max_age (7d)');
  });

  test('Prometheus: the out-of-order window covers the OTLP metrics queue and the remote-write WAL', () => {
    // the gateway's 2Gi of OTLP metrics at 5000 points/s x 128 B (56m) against alloy-metrics' 2h WAL keepalive, and a tenth
    expect(base.prometheus().storage.tsdb.out_of_order_time_window).toBe('2h12m');
    expect(build({ metricsCollector: { durability: { metricsWalKeepalive: '5h' } } }).prometheus().storage.tsdb.out_of_order_time_window).toBe('5h30m');
    expect(build({ alloy: { storageSize: '20Gi', durability: { metricsQueueSize: '8Gi' } } }).prometheus().storage.tsdb.out_of_order_time_window).toBe('4h7m');
  });

  test('fails when Prometheus\'s out-of-order window is set shorter than a sender\'s backlog', () => {
    synthFails({ prometheus: { outOfOrderTimeWindow: '1h' } },
      'observability/prometheus: outOfOrderTimeWindow "1h" is shorter than the backlog observability/alloy-metrics/config may replay after an outage ' +
      '(2h: its remote-write WAL keeps unsent samples for 2h (max_keepalive_time))');
  });

  test('a collector turned off no longer widens a window', () => {
    // without alloy-metrics the gateway scrapes into remote write with its own 3h keepalive
    expect(build({ metricsCollector: false }).prometheus().storage.tsdb.out_of_order_time_window).toBe('3h18m');
  });
});

describe('a retention keeps what its backend accepts late', () => {
  test('fails when a backend\'s retention is shorter than the window it accepts a backlog in', () => {
    synthFails({ prometheus: { retention: '1h' } },
      'observability/prometheus: retention "1h" is shorter than the out-of-order window (2h12m) in which it accepts a replayed backlog, so that data would be deleted as it arrives; ' +
      'keep retention longer, or the collectors\' queues smaller');
    synthFails({ tempo: { retention: '1h' } }, 'observability/tempo: retention "1h" is shorter than the late-span window (1h56m)');
    // a bigger logs queue moves Loki's window past a one-day retention
    synthFails({ loki: { retention: '24h' }, alloy: { storageSize: '200Gi', durability: { logsQueueSize: '60Gi' } } },
      'observability/loki: retention "24h" is shorter than the late-entry window (38h27m)');
    expect(() => build({ loki: { retention: '24h' } }).app.synth()).not.toThrow();
  });
});

describe('an exporter\'s largest request fits what its backend takes', () => {
  test('Tempo: batches are 90 % of the OTLP gRPC limit, which Tempo states', () => {
    expect(base.tempo().distributor.receivers.otlp.protocols.grpc.max_recv_msg_size_mib).toBe(4);
    expect(batchMax(base.alloy(), 'otelcol.exporter.otlp', 'tempo')).toBe(Math.floor(4 * MIB * 0.9));
    const s = build({ tempo: { maxRequestMib: 16 } });
    expect(s.tempo().distributor.receivers.otlp.protocols.grpc.max_recv_msg_size_mib).toBe(16);
    expect(batchMax(s.alloy(), 'otelcol.exporter.otlp', 'tempo')).toBe(Math.floor(16 * MIB * 0.9));
  });

  test('fails when Tempo would take requests its ingestion burst refuses for good', () => {
    expect(() => build({ tempo: { maxRequestMib: 20 } })).toThrow(
      'observability/tempo: maxRequestMib must be a whole number of MiB from 1 to 19 (got 20); a request over Tempo\'s ingestion burst (20 MB) is refused and not retried');
  });

  test('Tempo retries rate-limited requests instead of dropping them', () => {
    expect(base.tempo().distributor.retry_after_on_resource_exhausted).toBe('5s');
  });

  test('Loki: batches are an eighth of the smaller burst (tenant, per stream), and its internal gRPC limit is twice the tenant burst', () => {
    const l = base.loki();
    expect(l.limits_config.ingestion_burst_size_mb).toBe(16);
    expect(l.server.grpc_server_max_recv_msg_size).toBe(32 * MIB);
    expect(l.server.grpc_server_max_send_msg_size).toBe(32 * MIB);
    // the per-stream burst (15MB) is below the tenant's 16MB
    const eighth = Math.floor((15 * MIB / 8) * 0.9);
    expect(batchMax(base.alloy(), 'otelcol.exporter.otlphttp', 'loki')).toBe(eighth);
    expect(batchMax(base.alloy('alloy-logs'), 'otelcol.exporter.otlphttp', 'loki_sources')).toBe(eighth);
    const small = build({ loki: { ingestionBurstSizeMb: 8 } });
    expect(batchMax(small.alloy(), 'otelcol.exporter.otlphttp', 'loki')).toBe(Math.floor(1 * MIB * 0.9));
    expect(batchMax(small.alloy('alloy-logs'), 'otelcol.exporter.otlphttp', 'loki_sources')).toBe(Math.floor(1 * MIB * 0.9));
    expect(small.loki().server.grpc_server_max_recv_msg_size).toBe(16 * MIB);
  });

  test('Prometheus: OTLP batches stay well inside the 32 MiB it reads of a body', () => {
    expect(batchMax(base.alloy(), 'otelcol.exporter.otlphttp', 'prometheus')).toBe(Math.floor(8 * MIB * 0.9));
  });
});

describe('every Loki and Tempo config the stack writes has only keys those versions know', () => {
  const loki = backendSchema('loki-3.7.6');
  const tempo = backendSchema('tempo-2.10.8');
  const variants: Array<[string, ObservabilityStackProps]> = [
    ['the default stack', {}],
    ['a tenant, limits and windows set', { loki: { tenant: 'team-a', ingestionBurstSizeMb: 32, lateLogWindow: '6h' }, tempo: { lateSpanWindow: '4h', maxRequestMib: 8 } }],
    ['every collector in the gateway', { metricsCollector: false, logsCollector: false, alloy: { storageSize: '20Gi' } }],
    ['node logs and kube-state-metrics on', { nodeLogs: true, kubeStateMetrics: true }],
    ...ENVIRONMENTS.map((e): [string, ObservabilityStackProps] => [`the ${e.name} environment`, e.props]),
  ];
  test.each(variants)('%s', (_, props) => {
    const s = build(props);
    expect(configProblems(s.loki(), loki)).toEqual([]);
    expect(configProblems(s.tempo(), tempo)).toEqual([]);
  });

  test('the check rejects an unknown key and a value of the wrong kind', () => {
    expect(configProblems({ ingester: { max_chunk_age: '2h', max_chunk_agee: '2h' } }, loki)).toEqual(['.ingester.max_chunk_agee: not a key of this config']);
    expect(configProblems({ server: { grpc_server_max_recv_msg_size: '4MB' } }, loki)).toEqual(['.server.grpc_server_max_recv_msg_size: a int expected (got "4MB")']);
    expect(configProblems({ distributor: { receivers: { otlp: { protocols: { grpc: { max_recv_msg_size: 4 } } } } } }, tempo))
      .toEqual(['.distributor.receivers.otlp.protocols.grpc.max_recv_msg_size: not a key of this config']);
  });
});
