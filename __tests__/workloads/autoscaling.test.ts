/**
 * Autoscaling a collector (AlloyProps.autoscaling, and a ServerWorkload's controller): the
 * HorizontalPodAutoscaler as rendered, a StatefulSet without spec.replicas whose claims outlive
 * a scale-in, a disruption budget and a spread that hold for any count, the checks of the
 * bounds, and what the outage budget says a removed replica leaves behind.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Chart, Testing } from 'cdk8s';
import { OtelcolProcessorMemoryLimiter, PrometheusScrape } from '../../imports/alloy';
import { Alloy, ObservabilityStack, ServerWorkload, ServerWorkloadProps } from '../../lib';
import { SCALE_IN_EXAMPLE, outageBudget, scaleInTable, syncWave } from '../../lib/stack';
import { schemaErrors } from '../support/k8s-schema';
import { Manifest, find, manifestsOf, testApp } from '../support/manifests';

const selector = (name: string) => ({ 'app.kubernetes.io/instance': 'observability', 'app.kubernetes.io/name': name });

describe('the gateway autoscaled from 2 to 10 replicas', () => {
  const stack = new ObservabilityStack(testApp(), 'observability', { alloy: { autoscaling: { minReplicas: 2, maxReplicas: 10 } } });
  const ms = manifestsOf(stack);
  const sts = find(ms, 'StatefulSet', 'alloy');

  test('a HorizontalPodAutoscaler autoscaling/v2 on the StatefulSet: CPU and memory against the requests, one replica removed at a time', () => {
    const hpa = find(ms, 'HorizontalPodAutoscaler', 'alloy');
    expect(hpa.apiVersion).toBe('autoscaling/v2');
    expect(hpa.metadata.namespace).toBe('observability');
    expect(hpa.metadata.labels).toEqual(sts.metadata.labels);
    expect(hpa.spec).toEqual({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'alloy' },
      minReplicas: 2,
      maxReplicas: 10,
      metrics: [
        { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } },
        // the memory limiter's soft limit (819Mi - 204Mi) in percent of the 1Gi request
        { type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: 60 } } },
      ],
      behavior: { scaleDown: { stabilizationWindowSeconds: 1800, policies: [{ type: 'Pods', value: 1, periodSeconds: 300 }] } },
    });
    // one autoscaler, for the gateway only
    expect(ms.filter((m) => m.kind === 'HorizontalPodAutoscaler').map((m) => m.metadata.name)).toEqual(['alloy']);
  });

  test('the StatefulSet states no replica count, so applying it again never resets the autoscaler\'s', () => {
    expect('replicas' in sts.spec).toBe(false);
    // the other collectors keep their fixed count
    expect(find(ms, 'StatefulSet', 'alloy-metrics').spec.replicas).toBe(2);
  });

  test('a removed replica\'s claim is retained, with its queue, when the StatefulSet scales in or is deleted', () => {
    expect(sts.spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: 'Retain', whenScaled: 'Retain' });
    expect(sts.spec.volumeClaimTemplates[0].metadata).toEqual({ name: 'data', labels: selector('alloy') });
  });

  test('the disruption budget and the spread hold for any count from 2 to 10', () => {
    expect(find(ms, 'PodDisruptionBudget', 'alloy').spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: selector('alloy') } });
    expect(sts.spec.template.spec.topologySpreadConstraints).toEqual([{
      maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: selector('alloy') },
    }]);
  });

  test('every manifest passes the strict Kubernetes 1.28 schema', () => {
    for (const m of ms) expect({ m: `${m.kind}/${m.metadata.name}`, errors: schemaErrors(m) }).toEqual({ m: `${m.kind}/${m.metadata.name}`, errors: [] });
  });

  test('Argo CD applies the autoscaler with its StatefulSet, in the collectors\' wave', () => {
    const wave = (m: Manifest) => m.metadata.annotations?.['argocd.argoproj.io/sync-wave'];
    expect(wave(find(ms, 'HorizontalPodAutoscaler', 'alloy'))).toBe('2');
    expect(wave(sts)).toBe('2');
    const hpa = stack.alloy.workload.autoscaler!;
    expect(syncWave(hpa)).toBe(2);
  });

  test('the Service and the headless Service select every replica, whatever the count; the gateway does not cluster', () => {
    expect(find(ms, 'Service', 'alloy').spec.selector).toEqual(selector('alloy'));
    expect(find(ms, 'Service', 'alloy-cluster').spec.selector).toEqual(selector('alloy'));
    expect(sts.spec.template.spec.containers[0].args.filter((a: string) => a.startsWith('--cluster'))).toEqual([]);
    expect([stack.alloy.minReplicas, stack.alloy.maxReplicas]).toEqual([2, 10]);
  });
});

describe('autoscaling props', () => {
  const gateway = (autoscaling: object, more: object = {}) => new Alloy(Testing.chart(), 'alloy', { namespace: 'o', autoscaling: autoscaling as never, ...more });

  test('targets and the stabilization window as given; the window in the duration form of every prop', () => {
    const a = gateway({ minReplicas: 1, maxReplicas: 3, targetCpuUtilization: 50, targetMemoryUtilization: 40, scaleDownStabilization: '1h' });
    const spec = a.workload.autoscaler!.toJson().spec;
    expect(spec.metrics.map((m: { resource: { target: { averageUtilization: number } } }) => m.resource.target.averageUtilization)).toEqual([50, 40]);
    expect(spec.behavior.scaleDown.stabilizationWindowSeconds).toBe(3600);
    expect(gateway({ minReplicas: 1, maxReplicas: 1, scaleDownStabilization: '90s' }).workload.autoscaling!.scaleDownStabilizationSeconds).toBe(90);
  });

  test('the memory target defaults to the memory limiter\'s soft limit in percent of the request, at most 100', () => {
    const target = (memory: { requests: string; limits: string }) => gateway({ minReplicas: 1, maxReplicas: 2 }, {
      resources: { requests: { cpu: '100m', memory: memory.requests }, limits: { cpu: '1', memory: memory.limits } },
    }).workload.autoscaling!.targetMemoryUtilization;
    // 512Mi: limit 409Mi, spike 102Mi, soft 307Mi = 59.96 %
    expect(target({ requests: '512Mi', limits: '512Mi' })).toBe(59);
    expect(target({ requests: '2Gi', limits: '2Gi' })).toBe(60);
    // a small request: the soft limit is far above it
    expect(target({ requests: '256Mi', limits: '1Gi' })).toBe(100);
  });

  test('the clustered collectors take autoscaling too, without the default fixed count', () => {
    const stack = new ObservabilityStack(testApp(), 'observability', { metricsCollector: { autoscaling: { minReplicas: 2, maxReplicas: 4 } } });
    const ms = manifestsOf(stack);
    expect(find(ms, 'HorizontalPodAutoscaler', 'alloy-metrics').spec.maxReplicas).toBe(4);
    expect('replicas' in find(ms, 'StatefulSet', 'alloy-metrics').spec).toBe(false);
    expect(find(ms, 'StatefulSet', 'alloy').spec.replicas).toBe(2);
    expect(() => new ObservabilityStack(testApp(), 'observability', { logsCollector: { replicas: 3, autoscaling: { minReplicas: 2, maxReplicas: 4 } } })).toThrow(
      'observability/alloy-logs: replicas (got 3) and autoscaling both set the replica count; drop replicas',
    );
  });

  test('a component that must run once needs clustering when the autoscaler may run several replicas', () => {
    const app = new App({ outdir: '/nonexistent-never-written' });
    const a = new Alloy(new Chart(app, 'c'), 'alloy', { namespace: 'o', otlp: false, autoscaling: { minReplicas: 1, maxReplicas: 3 } });
    new PrometheusScrape(a.config, 's', { targets: [], forwardTo: [] });
    expect(() => app.synth()).toThrow('c/alloy/config/s (prometheus.scrape.s): up to 3 replicas would each scrape the same targets; add clustering');
  });

  test.each([
    [{ minReplicas: 0, maxReplicas: 3 }, 'test/alloy: autoscaling.minReplicas must be a whole number of at least 1 (got 0)'],
    [{ minReplicas: 1.5, maxReplicas: 3 }, 'test/alloy: autoscaling.minReplicas must be a whole number of at least 1 (got 1.5)'],
    [{ minReplicas: 4, maxReplicas: 3 }, 'test/alloy: autoscaling.maxReplicas (got 3) is below minReplicas (got 4); make maxReplicas at least 4'],
    [{ minReplicas: 1, maxReplicas: 3, targetCpuUtilization: 0 }, 'test/alloy: autoscaling.targetCpuUtilization is a percentage of the container\'s requests (got 0); use a whole number from 1 to 100'],
    [{ minReplicas: 1, maxReplicas: 3, targetMemoryUtilization: 101 }, 'autoscaling.targetMemoryUtilization is a percentage of the container\'s requests (got 101)'],
    [{ minReplicas: 1, maxReplicas: 3, targetCpuUtilization: 70.5 }, '(got 70.5); use a whole number from 1 to 100'],
    [{ minReplicas: 1, maxReplicas: 3, scaleDownStabilization: '2h' }, 'test/alloy: autoscaling.scaleDownStabilization must be whole seconds up to 1h, the Kubernetes API\'s limit (got "2h")'],
    [{ minReplicas: 1, maxReplicas: 3, scaleDownStabilization: '1500ms' }, 'autoscaling.scaleDownStabilization must be whole seconds up to 1h'],
    [{ minReplicas: 1, maxReplicas: 3, scaleDownStabilization: 'half an hour' }, 'test/alloy: invalid autoscaling.scaleDownStabilization (got "half an hour"); write a positive duration'],
  ])('refuses %j', (autoscaling, message) => {
    expect(() => gateway(autoscaling)).toThrow(message);
  });

  test('refuses replicas with autoscaling, autoscaling on a DaemonSet, and a zero request', () => {
    expect(() => gateway({ minReplicas: 2, maxReplicas: 4 }, { replicas: 3 })).toThrow(
      'test/alloy: replicas (got 3) and autoscaling both set the replica count; drop replicas: the HorizontalPodAutoscaler keeps it between autoscaling.minReplicas and maxReplicas',
    );
    expect(() => gateway({ minReplicas: 2, maxReplicas: 4 }, { controller: 'DaemonSet' })).toThrow(
      'test/alloy: a DaemonSet collector runs one pod per node, without clustering or a claim (got autoscaling); drop those props, or use controller: "StatefulSet"',
    );
    expect(() => gateway({ minReplicas: 1, maxReplicas: 2 }, { resources: { requests: { cpu: '0', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } } })).toThrow(
      'test/alloy: autoscaling measures cpu against the container\'s request, which is zero (got requests.cpu "0"); set requests.cpu above zero',
    );
  });

  test('synth fails when the memory target lies above the memory limiter\'s soft limit: senders would be refused before a replica is added', () => {
    const over = new App({ outdir: '/nonexistent-never-written' });
    new ObservabilityStack(over, 'observability', { alloy: { autoscaling: { minReplicas: 2, maxReplicas: 10, targetMemoryUtilization: 80 } } });
    expect(() => over.synth()).toThrow(
      'observability/alloy: autoscaling.targetMemoryUtilization 80 % of the 1Gi memory request is 819Mi, above the soft limit of ' +
      'otelcol.processor.memory_limiter.default (615Mi: limit minus spike), where it refuses data: senders would be refused before the autoscaler adds a replica; use at most 60, or leave it unset',
    );
    // a limiter in percent of the container's memory: 50 - 10 = 40 % of 1Gi
    const app = new App({ outdir: '/nonexistent-never-written' });
    const a = new Alloy(new Chart(app, 'c'), 'alloy', { namespace: 'o', autoscaling: { minReplicas: 1, maxReplicas: 2, targetMemoryUtilization: 45 } });
    new OtelcolProcessorMemoryLimiter(a.config, 'limiter', { checkInterval: '1s', limitPercentage: 50, spikeLimitPercentage: 10, output: {}, dropOutput: true });
    expect(() => app.synth()).toThrow('autoscaling.targetMemoryUtilization 45 % of the 1Gi memory request is 461Mi, above the soft limit of otelcol.processor.memory_limiter.limiter (410Mi');
  });
});

describe('a ServerWorkload with an autoscaler', () => {
  const base: ServerWorkloadProps = {
    namespace: 'o', name: 'app', instance: 'i', component: 'c', image: 'img:1', ports: [{ name: 'http', port: 8080 }],
    readiness: { path: '/ready', port: 'http' }, runAs: { uid: 1000, gid: 1000 },
    resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '1', memory: '1Gi' } },
  };

  test('a Deployment: the autoscaler targets it, and the Deployment states no count', () => {
    const chart = Testing.chart();
    new ServerWorkload(chart, 'w', { ...base, controller: { kind: 'Deployment', autoscaling: { minReplicas: 2, maxReplicas: 5 }, highAvailability: true } });
    const ms = manifestsOf(chart);
    expect(find(ms, 'HorizontalPodAutoscaler', 'app').spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'app' });
    expect('replicas' in find(ms, 'Deployment', 'app').spec).toBe(false);
    expect(find(ms, 'HorizontalPodAutoscaler', 'app').spec.metrics[1].resource.target.averageUtilization).toBe(80);
    for (const m of ms) expect(schemaErrors(m)).toEqual([]);
  });

  test('a Deployment with one ReadWriteOnce volume cannot autoscale past one replica', () => {
    expect(() => new ServerWorkload(Testing.chart(), 'w', {
      ...base, controller: { kind: 'Deployment', autoscaling: { minReplicas: 1, maxReplicas: 3 }, storage: { mountPath: '/data', size: '1Gi' } },
    })).toThrow('test/w: 3 replicas cannot share one ReadWriteOnce volume (got autoscaling.maxReplicas 3 with storage); run a StatefulSet or one replica');
  });

  test('replicas and autoscaling together fail', () => {
    expect(() => new ServerWorkload(Testing.chart(), 'w', {
      ...base, controller: { kind: 'StatefulSet', serviceName: 'app', replicas: 2, autoscaling: { minReplicas: 1, maxReplicas: 3 } },
    })).toThrow('test/w: replicas (got 2) and autoscaling both set the replica count; drop replicas');
  });
});

describe('the outage budget of a replica removed', () => {
  const stack = new ObservabilityStack(testApp(), 'observability', SCALE_IN_EXAMPLE);

  test('a disk queue is kept on the retained claim and sent when that replica runs again; the WAL beyond its last minute is lost', () => {
    const rows = stack.collectors.flatMap((c) => outageBudget(c));
    const gateway = rows.filter((r) => r.collector === 'alloy');
    expect(gateway.map((r) => r.signal)).toEqual(['metrics', 'logs', 'traces']);
    for (const r of gateway) {
      expect(r.scaledIn).toBe(
        'kept, not sent: alloy-<n>\'s queue waits on its retained claim data-alloy-<n> and is sent when alloy-<n> runs again, once the StatefulSet has more than n replicas ' +
        '(the autoscaler may remove alloy-2 to alloy-9, highest first; raise minReplicas to bring one back by hand); ' +
        'a backend takes it only within its window ("What the backends accept of a backlog")',
      );
    }
    expect(rows.find((r) => r.collector === 'alloy-logs')!.scaledIn).toContain('(only scaling in by hand removes one)');
    expect(rows.find((r) => r.collector === 'alloy-metrics')!.scaledIn).toBe(
      'the backlog is lost beyond what remote write sends in the minute it flushes at shutdown; the WAL left on the claim is not replayed when the replica runs again',
    );
  });

  test('docs/outage-budget.md shows it for the gateway autoscaled from 2 to 10 (npm run docs:outage rewrites it)', () => {
    const doc = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'outage-budget.md'), 'utf-8');
    expect(doc).toContain(`<!-- scale-in:start -->\n${scaleInTable(stack.collectors)}<!-- scale-in:end -->`);
    expect(scaleInTable(stack.collectors)).toContain('| alloy | 2 to 10, autoscaled | traces |');
  });

  test('a DaemonSet collector removes no replica', () => {
    const nodes = new ObservabilityStack(testApp(), 'observability', { nodeLogs: true }).nodeLogsCollector!;
    expect(outageBudget(nodes)[0].scaledIn).toBe('no replica is removed (one pod per node); a node leaving takes its emptyDir and queue with it');
  });
});
