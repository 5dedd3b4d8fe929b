import * as fs from 'fs';
import * as path from 'path';
import { Testing } from 'cdk8s';
import { LokiSourceApi, OtelcolProcessorMemoryLimiter, OtelcolReceiverOtlp, OtelcolReceiverZipkin, OtelcolStorageFile, PrometheusScrape } from '../../imports/alloy';
import { Alloy, DurableQueue, ObservabilityStack, budgetTable, collectorBudgetTables, collectorBudgets, outageBudget } from '../../lib';
import { find, manifestsOf, testApp } from '../support/manifests';

const stack = new ObservabilityStack(testApp(), 'observability');
const ms = manifestsOf(stack);
const sts = find(ms, 'StatefulSet', 'alloy');
const config = find(ms, 'ConfigMap', 'alloy-config').data['config.alloy'] as string;

describe('Alloy keeps its state on disk, highly available', () => {
  test('a StatefulSet whose volume claim template is mounted at --storage.path', () => {
    expect(sts.spec.replicas).toBe(2);
    expect(sts.spec.serviceName).toBe('alloy-cluster');
    expect(sts.spec.podManagementPolicy).toBe('Parallel');
    expect(sts.spec.volumeClaimTemplates).toEqual([{
      metadata: { name: 'data', labels: { 'app.kubernetes.io/instance': 'observability', 'app.kubernetes.io/name': 'alloy' } },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Gi' } } },
    }]);
    const c = sts.spec.template.spec.containers[0];
    expect(c.volumeMounts).toContainEqual({ name: 'data', mountPath: '/var/lib/alloy/data' });
    expect(c.args).toContain('--storage.path=/var/lib/alloy/data');
  });

  test('a PodDisruptionBudget, topology spread across nodes and a grace period to flush', () => {
    expect(find(ms, 'PodDisruptionBudget', 'alloy').spec).toEqual({
      maxUnavailable: 1, selector: { matchLabels: { 'app.kubernetes.io/instance': 'observability', 'app.kubernetes.io/name': 'alloy' } },
    });
    const pod = sts.spec.template.spec;
    expect(pod.topologySpreadConstraints).toEqual([{
      maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway',
      labelSelector: { matchLabels: { 'app.kubernetes.io/instance': 'observability', 'app.kubernetes.io/name': 'alloy' } },
    }]);
    expect(pod.terminationGracePeriodSeconds).toBe(60);
  });

  test('clustering: the scrape runs once across replicas of alloy-metrics, through its headless Service', () => {
    const metrics = find(ms, 'ConfigMap', 'alloy-metrics-config').data['config.alloy'] as string;
    expect(metrics).toContain('prometheus.scrape "kubelet" {');
    expect(metrics).toContain('\tclustering {\n\t\tenabled = true\n\t}');
    expect(find(ms, 'StatefulSet', 'alloy-metrics').spec.template.spec.containers[0].args)
      .toEqual(expect.arrayContaining(['--cluster.enabled=true', '--cluster.join-addresses=alloy-metrics-cluster']));
    expect(find(ms, 'Service', 'alloy-metrics-cluster').spec).toMatchObject({ clusterIP: 'None', publishNotReadyAddresses: true, ports: [{ name: 'http', port: 12345 }] });
    // the gateway has nothing to share: no clustering flags, but still its governing Service
    expect(config).not.toContain('clustering');
    expect(sts.spec.template.spec.containers[0].args).not.toContain('--cluster.enabled=true');
    expect(find(ms, 'Service', 'alloy-cluster').spec.clusterIP).toBe('None');
  });

  test('one replica: no PDB, no spread', () => {
    const s = new ObservabilityStack(testApp(), 'observability', { alloy: { replicas: 1 }, metricsCollector: { replicas: 1 }, logsCollector: { replicas: 1 } });
    const m = manifestsOf(s);
    expect(m.filter((x) => x.kind === 'PodDisruptionBudget')).toEqual([]);
    expect(find(m, 'StatefulSet', 'alloy').spec.template.spec.topologySpreadConstraints).toBeUndefined();
  });
});

describe('every signal is queued on disk while its backend is down', () => {
  test('traces and logs: persistent, byte-sized queues on the volume, retried without a time limit', () => {
    const queue = (kind: string, label: string, bytes: number) => {
      const start = config.indexOf(`${kind} "${label}" {\n`);
      expect(start).toBeGreaterThanOrEqual(0);
      const block = config.slice(start, config.indexOf('\n}\n', start));
      expect(block).toContain('\tretry_on_failure {\n\t\tenabled          = true\n\t\tmax_elapsed_time = "0s"\n\t}');
      // batched inside the exporter, after the disk queue
      expect(block).toContain(
        `\tsending_queue {\n\t\tqueue_size = ${bytes}\n\t\tsizer      = "bytes"\n\t\tstorage    = otelcol.storage.file.queue.handler\n\n` +
        '\t\tbatch {\n\t\t\tflush_timeout = "200ms"\n\t\t\tmax_size      = 3000\n\t\t\tmin_size      = 2000\n\t\t\tsizer         = "items"\n\t\t}\n\t}',
      );
    };
    queue('otelcol.exporter.otlp', 'tempo', 4 * 2 ** 30);
    queue('otelcol.exporter.otlphttp', 'loki', 3 * 2 ** 30);
    expect(config).toContain('otelcol.storage.file "queue" {\n\tdirectory = "/var/lib/alloy/data/otelcol-queue"\n}');
  });

  test('metrics: the remote-write WAL keeps unsent samples for the promised outage', () => {
    expect(config).toContain('\twal {\n\t\tmax_keepalive_time = "3h"\n\t\ttruncate_frequency = "2h"\n\t}');
    const prom = require('js-yaml').load(find(ms, 'ConfigMap', 'prometheus-config').data['prometheus.yml']);
    expect(prom.storage.tsdb.out_of_order_time_window).toBe('3h');
    const loki = require('js-yaml').load(find(ms, 'ConfigMap', 'loki-config').data['loki.yaml']);
    expect(loki.ingester.max_chunk_age).toBe('4h');
  });

  test('no batch processor sits between the receiver and the queues', () => {
    expect(config).not.toContain('otelcol.processor.batch');
  });

  test('sizes are props, and the queues must leave room on the volume', () => {
    const s = new ObservabilityStack(testApp(), 'observability', {
      alloy: { storageSize: '50Gi', durability: { tracesQueueSize: '20Gi', logsQueueSize: '15Gi', metricsWalKeepalive: '12h' } },
    });
    const text = find(manifestsOf(s), 'ConfigMap', 'alloy-config').data['config.alloy'];
    expect(text).toContain(`queue_size = ${20 * 2 ** 30}`);
    expect(text).toContain('max_keepalive_time = "12h"');
    expect(() => new ObservabilityStack(testApp(), 'o', { alloy: { durability: { tracesQueueSize: '6Gi', logsQueueSize: '4Gi' } } })).toThrow(
      'o/alloy: the on-disk queues (10Gi) take more than 80 % of the 10Gi volume, leaving no room for the remote-write WAL; make storageSize larger or the queue sizes smaller',
    );
  });

  test('fails when a config gets a second DurableQueue', () => {
    const alloy = new Alloy(Testing.chart(), 'alloy', { namespace: 'o' });
    expect(() => new DurableQueue(alloy.config, 'another', { directory: '/var/lib/alloy/data/x' })).toThrow(
      'test/alloy/config/another: test/alloy/config already has a DurableQueue; a config has one',
    );
  });
});

describe('memory safety', () => {
  test('the memory limiter is set from the container\'s limit, and GOMEMLIMIT below the limit', () => {
    const c = sts.spec.template.spec.containers[0];
    expect(c.resources.limits.memory).toBe('1Gi');
    expect(config).toContain('\tcheck_interval = "1s"\n\tlimit          = "819MiB"\n\tspike_limit    = "204MiB"');
    expect(c.env).toContainEqual({ name: 'GOMEMLIMIT', value: '921MiB' });
    const big = new ObservabilityStack(testApp(), 'o', { alloy: { resources: { requests: { cpu: '1', memory: '4Gi' }, limits: { cpu: '2', memory: '4Gi' } } } });
    expect(find(manifestsOf(big), 'ConfigMap', 'alloy-config').data['config.alloy']).toContain('limit          = "3276MiB"');
  });
});

describe('backends keep their own data safe', () => {
  test('Loki\'s and Tempo\'s WALs and Prometheus\'s TSDB are on their PVCs', () => {
    const { load } = require('js-yaml');
    const loki = load(find(ms, 'ConfigMap', 'loki-config').data['loki.yaml']);
    expect(loki.ingester.wal).toEqual({ enabled: true, dir: '/loki/wal' });
    const tempo = load(find(ms, 'ConfigMap', 'tempo-config').data['tempo.yaml']);
    expect(tempo.storage.trace.wal.path).toBe('/var/tempo/wal');
    expect(find(ms, 'Deployment', 'tempo').spec.template.spec.containers[0].volumeMounts).toContainEqual({ name: 'data', mountPath: '/var/tempo' });
    expect(find(ms, 'Deployment', 'loki').spec.template.spec.containers[0].volumeMounts).toContainEqual({ name: 'data', mountPath: '/loki' });
    expect(find(ms, 'Deployment', 'prometheus').spec.template.spec.containers[0].args).toContain('--storage.tsdb.path=/prometheus');
  });
});

describe('cross-checks at synth', () => {
  const synthFails = (build: (alloy: Alloy) => void, message: string, props = {}) => {
    const app = testApp();
    const chart = new (require('cdk8s').Chart)(app, 'c');
    const alloy = new Alloy(chart, 'alloy', { namespace: 'o', ...props });
    build(alloy);
    expect(() => app.synth()).toThrow(message);
  };

  test('fails when a receiver listens on a port that neither the container nor the Service exposes', () => {
    synthFails((a) => new OtelcolReceiverOtlp(a.config, 'extra', { http: { endpoint: '0.0.0.0:9999' }, output: {}, dropOutput: true }),
      'c/alloy/config/extra (otelcol.receiver.otlp.extra): http listens on port 9999, which neither the container nor the Service exposes (they expose 4317, 4318, 12345); add it with extraPorts');
  });

  test('a port given in extraPorts is exposed and passes', () => {
    const app = testApp();
    const alloy = new Alloy(new (require('cdk8s').Chart)(app, 'c'), 'alloy', { namespace: 'o', extraPorts: [{ name: 'extra', port: 9999 }] });
    new OtelcolReceiverOtlp(alloy.config, 'extra', { http: { endpoint: '0.0.0.0:9999' }, output: {}, dropOutput: true });
    expect(() => app.synth()).not.toThrow();
  });

  test('fails when a storage path is off the volume', () => {
    synthFails((a) => new OtelcolStorageFile(a.config, 'tmpqueue', { directory: '/tmp/queue' }),
      'c/alloy/config/tmpqueue (otelcol.storage.file.tmpqueue): directory "/tmp/queue" is not on the collector\'s volume; put it under /var/lib/alloy/data/ so the queue survives restarts');
  });

  test('fails when a component clusters but clustering is off (no headless Service to join)', () => {
    synthFails((a) => new PrometheusScrape(a.config, 's', { targets: [], forwardTo: [], dropOutput: true, clustering: { enabled: true } }),
      'c/alloy: a component enables clustering but the collector runs with clustering: false, so there is no --cluster.enabled and no headless Service to join; remove clustering: false, or the clustering block',
      { clustering: false });
  });

  test('fails when the memory limiter is not below GOMEMLIMIT, by size or by percentage', () => {
    synthFails((a) => new OtelcolProcessorMemoryLimiter(a.config, 'ml', { checkInterval: '1s', limit: '1000MiB', output: {}, dropOutput: true }),
      'c/alloy/config/ml (otelcol.processor.memory_limiter.ml): limit 1000MiB is not below GOMEMLIMIT (921MiB, 90 % of the container\'s 1Gi); the pod would be OOM-killed before the limiter refuses data: lower the limit or raise the container\'s memory');
    synthFails((a) => new OtelcolProcessorMemoryLimiter(a.config, 'ml', { checkInterval: '1s', limitPercentage: 100, output: {}, dropOutput: true }),
      'c/alloy/config/ml (otelcol.processor.memory_limiter.ml): limit_percentage 100 is not below GOMEMLIMIT\'s 90 % of the container\'s memory; use at most 85');
  });

  test('fails when other receivers listen on ports nobody exposes (zipkin endpoint, loki.source.api listen_port)', () => {
    synthFails((a) => new OtelcolReceiverZipkin(a.config, 'z', { endpoint: '0.0.0.0:9411', output: {}, dropOutput: true }),
      'c/alloy/config/z (otelcol.receiver.zipkin.z): endpoint listens on port 9411');
    synthFails((a) => new LokiSourceApi(a.config, 'api', { forwardTo: [], dropOutput: true, http: { listenPort: 3500 } }),
      'c/alloy/config/api (loki.source.api.api): http listens on port 3500');
  });

  test('fails when a storage path only looks like it is on the volume', () => {
    synthFails((a) => new OtelcolStorageFile(a.config, 'q', { directory: '/var/lib/alloy/data/../../../tmp/q' }),
      'c/alloy/config/q (otelcol.storage.file.q): directory "/var/lib/alloy/data/../../../tmp/q" is not on the collector\'s volume');
  });

  test('fails when several replicas would scrape the same targets', () => {
    synthFails((a) => new PrometheusScrape(a.config, 's', { targets: [], forwardTo: [], dropOutput: true }),
      'c/alloy/config/s (prometheus.scrape.s): 2 replicas would each scrape the same targets; add clustering: { enabled: true } so they share them, or run one replica');
  });
});

describe('outage budget', () => {
  test('follows from the configured sizes', () => {
    const rows = outageBudget(stack.alloy);
    // traces: 4Gi at 500 KiB/s; logs: 3Gi at 500 KiB/s, under Loki's 2h window;
    // metrics: two thirds of the 2h truncation interval, under the 3h keepalive and the room left
    expect(rows.map((r) => [r.signal, r.capacityBytes, Math.round(r.outageSeconds)])).toEqual([
      ['traces', 4294967296, 8389],
      ['logs', 3221225472, 6291],
      ['metrics', 10000 * 16 * 5 * 3600, 4800],
    ]);
    const bigger = new ObservabilityStack(testApp(), 'o', { alloy: { storageSize: '20Gi', durability: { tracesQueueSize: '8Gi' } } });
    expect(outageBudget(bigger.alloy)[0].outageSeconds).toBeCloseTo(2 * rows[0].outageSeconds);
    expect(outageBudget(stack.alloy, { spansPerSecond: 1000 })[0].outageSeconds).toBeCloseTo(rows[0].outageSeconds / 2);
  });

  test('docs/outage-budget.md shows the table of the default stack (npm run docs:outage rewrites it)', () => {
    const doc = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'outage-budget.md'), 'utf-8');
    expect(doc).toContain(`<!-- budget:start -->\n${budgetTable(outageBudget(stack.alloy))}<!-- budget:end -->`);
    expect(doc).toContain(`<!-- collectors:start -->\n${collectorBudgetTables(collectorBudgets(stack.collectors))}<!-- collectors:end -->`);
  });

  test('the scraping and log-reading collectors: metrics in alloy-metrics\' WAL, logs in alloy-logs\' queue, lost when full', () => {
    const budgets = collectorBudgets(stack.collectors);
    expect(budgets.map((b) => [b.collector, b.rows.map((r) => r.signal)])).toEqual([['alloy-metrics', ['metrics']], ['alloy-logs', ['logs']]]);
    const logs = budgets[1].rows[0];
    // 2Gi at 500 KiB/s
    expect([logs.capacityBytes, Math.round(logs.outageSeconds)]).toEqual([2 * 2 ** 30, 4194]);
    expect(logs.whenFull).toContain('is lost');
  });
});
