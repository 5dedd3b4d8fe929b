/**
 * The stack's collectors: which pipelines run where, the opt-ins (kube-state-metrics, node
 * logs), and the smoke-test Job.
 */
import { Testing } from 'cdk8s';
import { load } from 'js-yaml';
import {
  Alloy, AnnotationAutodiscovery, KubeletMetrics, ObservabilityStack, SmokeTest, StackNetworkPolicies, StaticScrape,
} from '../../lib';
import { SMOKE_CHECKS } from '../../lib/smoke';
import { facts, unknownNames } from '../support/alloy-facts';
import { schemaErrors } from '../support/k8s-schema';
import { Manifest, find, manifestsOf, testApp } from '../support/manifests';
import { restrictedViolations } from '../support/pod-security';

const ids = (s: ObservabilityStack, name: string) => s.collectors.find((c) => c.name === name)!.config.components.map((c) => c.componentId);

describe('collector topology', () => {
  const stack = new ObservabilityStack(testApp(), 'observability');

  test('the gateway receives OTLP; alloy-metrics scrapes; alloy-logs reads pod logs and events', () => {
    expect(stack.collectors.map((c) => [c.name, c.controller, c.receivesOtlp, c.clustering])).toEqual([
      ['alloy', 'StatefulSet', true, false],
      ['alloy-metrics', 'StatefulSet', false, true],
      ['alloy-logs', 'StatefulSet', false, true],
    ]);
    expect(ids(stack, 'alloy')).toEqual(expect.arrayContaining(['otelcol.receiver.otlp.default', 'otelcol.processor.k8sattributes.default', 'otelcol.processor.resourcedetection.default']));
    expect(ids(stack, 'alloy').filter((i) => /scrape|loki\.source|discovery/.test(i))).toEqual([]);
    expect(ids(stack, 'alloy-metrics').filter((i) => i.startsWith('prometheus.scrape'))).toEqual([
      'prometheus.scrape.annotated_pods', 'prometheus.scrape.annotated_services', 'prometheus.scrape.kubelet', 'prometheus.scrape.cadvisor',
    ]);
    expect(ids(stack, 'alloy-logs').filter((i) => i.startsWith('loki.source'))).toEqual(['loki.source.kubernetes_events.cluster_events', 'loki.source.kubernetes.pod_logs']);
    // the collectors that do not receive OTLP expose only Alloy's HTTP port
    expect(find(manifestsOf(stack), 'Service', 'alloy-metrics').spec.ports.map((p: any) => p.name)).toEqual(['http-metrics']);
  });

  test('the RBAC of each collector in dist is exactly what its components need', () => {
    const ms = manifestsOf(new ObservabilityStack(testApp(), 'observability'));
    const READ = ['get', 'list', 'watch'];
    expect(ms.filter((m) => m.kind === 'ClusterRole' || m.kind === 'Role').map((m) => [m.metadata.name, m.rules])).toEqual([
      ['observability-alloy', [{ apiGroups: [''], resources: ['pods', 'namespaces', 'nodes'], verbs: READ }, { apiGroups: ['apps'], resources: ['replicasets'], verbs: READ }]],
      ['observability-alloy-metrics', [{ apiGroups: [''], resources: ['pods', 'services', 'nodes'], verbs: READ }, { apiGroups: [''], resources: ['nodes/metrics'], verbs: ['get'] }]],
      ['observability-alloy-logs', [{ apiGroups: [''], resources: ['events', 'pods', 'pods/log'], verbs: READ }]],
    ]);
  });

  test('every collector, with every opt-in, uses only names Alloy v1.18.1 accepts', () => {
    const all = new ObservabilityStack(testApp(), 'observability', { nodeLogs: true, kubeStateMetrics: true, enrichment: { podAnnotations: ['team'] } });
    expect(all.collectors.map((c) => c.name)).toEqual(['alloy', 'alloy-metrics', 'alloy-logs', 'alloy-node-logs']);
    for (const collector of all.collectors) {
      for (const c of collector.config.components) {
        expect({ c: c.componentId, unknown: unknownNames(c.toStatement().body, facts.components[c.componentName]) }).toEqual({ c: c.componentId, unknown: [] });
      }
    }
  });

  test('collectors off: their pipelines run in the gateway, which then clusters', () => {
    const one = new ObservabilityStack(testApp(), 'observability', { metricsCollector: false, logsCollector: false, enrichment: false });
    expect(one.collectors.map((c) => c.name)).toEqual(['alloy']);
    expect(one.alloy.clustering).toBe(true);
    expect(ids(one, 'alloy')).toEqual(expect.arrayContaining(['prometheus.scrape.kubelet', 'loki.source.kubernetes.pod_logs']));
    expect(ids(one, 'alloy').some((i) => i.includes('k8sattributes'))).toBe(false);
  });

  test('kube-state-metrics (opt-in): its Deployment, scraped by alloy-metrics, reachable from it only', () => {
    const s = new ObservabilityStack(testApp(), 'observability', { kubeStateMetrics: true });
    const ms = manifestsOf(s);
    expect(s.metricsCollector.config.render()).toContain('prometheus.scrape "kube_state_metrics" {');
    expect(s.metricsCollector.config.render()).toContain('\t\t\t__address__ = "kube-state-metrics:8080",\n');
    const policy = find(ms, 'NetworkPolicy', 'kube-state-metrics').spec;
    expect(policy.ingress[0].from).toEqual([{ podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'observability', 'app.kubernetes.io/name': 'alloy-metrics' } } }]);
    const egress = find(ms, 'NetworkPolicy', 'alloy-metrics').spec.egress;
    expect(egress).toContainEqual({ to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'observability', 'app.kubernetes.io/name': 'kube-state-metrics' } } }], ports: [{ protocol: 'TCP', port: 8080 }] });
    for (const m of ms) expect({ o: `${m.kind}/${m.metadata.name}`, e: schemaErrors(m) }).toEqual({ o: `${m.kind}/${m.metadata.name}`, e: [] });
  });

  test('node logs (opt-in): a DaemonSet in a namespace of its own that allows it; pod logs no longer read through the API', () => {
    const s = new ObservabilityStack(testApp(), 'observability', { nodeLogs: true });
    const ms: Manifest[] = manifestsOf(s);
    const ns = find(ms, 'Namespace', 'observability-node-logs');
    expect(ns.metadata.labels).toMatchObject({ 'pod-security.kubernetes.io/enforce': 'privileged', 'pod-security.kubernetes.io/warn': 'restricted', 'pod-security.kubernetes.io/audit': 'restricted' });
    expect(find(ms, 'Namespace', 'observability').metadata.labels!['pod-security.kubernetes.io/enforce']).toBe('restricted');
    const ds = find(ms, 'DaemonSet', 'alloy-node-logs');
    expect(ds.metadata.namespace).toBe('observability-node-logs');
    expect(ids(s, 'alloy-logs').some((i) => i.startsWith('loki.source.kubernetes.'))).toBe(false);
    expect(ids(s, 'alloy-node-logs')).toContain('loki.source.file.node_logs');
    // it sends to Loki across namespaces, and Loki's policy lets it in
    expect(s.nodeLogsCollector!.config.render()).toContain('endpoint = "http://loki.observability.svc:3100/otlp"');
    expect(find(ms, 'NetworkPolicy', 'loki').spec.ingress[0].from).toContainEqual({
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'observability-node-logs' } },
      podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'observability', 'app.kubernetes.io/name': 'alloy-node-logs' } },
    });
    expect(find(ms, 'ClusterRole', 'observability-node-logs-alloy-node-logs').rules).toEqual([{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] }]);
    // only the kubelet's pod logs are mounted, read-only
    expect(ds.spec.template.spec.volumes).toContainEqual({ name: 'host-0', hostPath: { path: '/var/log/pods', type: 'Directory' } });
    // that namespace is default-deny too: DNS, Loki in the stack's namespace and the API server out; Prometheus in
    const inNodeNs = ms.filter((m) => m.kind === 'NetworkPolicy' && m.metadata.namespace === 'observability-node-logs');
    expect(inNodeNs.map((m) => m.metadata.name)).toEqual(['default-deny', 'allow-dns', 'alloy-node-logs']);
    const own = inNodeNs[2].spec;
    expect(own.egress).toEqual([
      {
        to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'observability' } }, podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'observability', 'app.kubernetes.io/name': 'loki' } } }],
        ports: [{ protocol: 'TCP', port: 3100 }],
      },
      // no traffic between its pods: a DaemonSet does not cluster
      { to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ protocol: 'TCP', port: 443 }, { protocol: 'TCP', port: 6443 }] },
    ]);
    expect(own.ingress[0].from).toEqual([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'observability' } }, podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'observability', 'app.kubernetes.io/name': 'prometheus' } } }]);
    // Prometheus reaches those pods by their namespace and labels (recorded with the scrape), not any pod on 12345
    const promEgress = find(ms, 'NetworkPolicy', 'prometheus').spec.egress;
    expect(promEgress).toContainEqual({
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'observability-node-logs' } }, podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'observability', 'app.kubernetes.io/name': 'alloy-node-logs' } } }],
      ports: [{ protocol: 'TCP', port: 12345 }],
    });
    expect(promEgress.filter((r: any) => r.to.some((t: any) => t.namespaceSelector !== undefined && Object.keys(t.namespaceSelector).length === 0))).toEqual([]);
    // Prometheus scrapes each of its pods, across namespaces
    const prom = load(find(ms, 'ConfigMap', 'prometheus-config').data['prometheus.yml']) as any;
    expect(prom.scrape_configs.find((j: any) => j.job_name === 'alloy-node-logs').dns_sd_configs).toEqual([{ names: ['alloy-node-logs-pods.observability-node-logs.svc'], type: 'A', port: 12345 }]);
    for (const m of ms) expect({ o: `${m.kind}/${m.metadata.name}`, e: schemaErrors(m) }).toEqual({ o: `${m.kind}/${m.metadata.name}`, e: [] });
    expect(() => new ObservabilityStack(testApp(), 'observability', { nodeLogs: { namespace: 'observability' } })).toThrow(
      'observability: nodeLogs.namespace is the stack\'s own namespace (got "observability"), which enforces the restricted profile; the node-logs DaemonSet needs privileged: give it a namespace of its own');
  });
});

describe('smoke test Job (VAL-SPC-001..003)', () => {
  const stack = new ObservabilityStack(testApp(), 'observability', { loki: { tenant: 'team-a' } });
  const chart = Testing.chart();
  new SmokeTest(chart, 'smoke', { namespace: 'observability', alloy: stack.alloy, tempo: stack.tempo, prometheus: stack.prometheus, loki: stack.loki });
  const ms = manifestsOf(chart);

  test('runs the script once, against the stack\'s Services, restricted, pinned', () => {
    expect(SMOKE_CHECKS.map((c) => c.id)).toEqual(['VAL-SPC-001', 'VAL-SPC-002', 'VAL-SPC-003']);
    const job = find(ms, 'Job', 'smoke-test');
    expect(job.spec.backoffLimit).toBe(0);
    const pod = job.spec.template.spec;
    expect(pod.restartPolicy).toBe('Never');
    expect(restrictedViolations(pod)).toEqual([]);
    const c = pod.containers[0];
    expect(c.image).toMatch(/^node:\d+\.\d+\.\d+-alpine\d+\.\d+$/);
    expect(c.command).toEqual(['node', '/smoke/smoke.js']);
    expect(Object.fromEntries(c.env.map((e: any) => [e.name, e.value]))).toEqual({
      OTLP_HTTP_ENDPOINT: 'http://alloy:4318',
      TEMPO_URL: 'http://tempo:3200',
      PROMETHEUS_URL: 'http://prometheus:9090',
      LOKI_URL: 'http://loki:3100',
      LOKI_TENANT: 'team-a',
      SMOKE_TIMEOUT_SECONDS: '180',
    });
    expect(find(ms, 'ConfigMap', 'smoke-test-script').data['smoke.js']).toContain('VAL-SPC-002');
    for (const m of ms) expect({ o: `${m.kind}/${m.metadata.name}`, e: schemaErrors(m) }).toEqual({ o: `${m.kind}/${m.metadata.name}`, e: [] });
  });

  test('NetworkPolicies let the Job, and only it, reach the four ports', () => {
    const policies = ms.filter((m) => m.kind === 'NetworkPolicy');
    expect(policies.map((p) => p.metadata.name)).toEqual(['smoke-test', 'smoke-test-to-alloy', 'smoke-test-to-tempo', 'smoke-test-to-prometheus', 'smoke-test-to-loki']);
    expect(policies[0].spec.egress.map((r: any) => r.ports[0].port)).toEqual([4318, 3200, 9090, 3100]);
    for (const p of policies.slice(1)) {
      expect(p.spec.ingress[0].from).toEqual([{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'smoke-test', 'app.kubernetes.io/instance': 'observability' } } }]);
    }
  });

  test('policies can be left out; the timeout is whole seconds, at least 10', () => {
    const c = Testing.chart();
    new SmokeTest(c, 's', { namespace: 'o', alloy: stack.alloy, tempo: stack.tempo, prometheus: stack.prometheus, loki: stack.loki, networkPolicies: false, timeoutSeconds: 60 });
    const m = manifestsOf(c);
    expect(m.filter((x) => x.kind === 'NetworkPolicy')).toEqual([]);
    expect(find(m, 'Job', 'smoke-test').spec.activeDeadlineSeconds).toBe(180);
    expect(() => new SmokeTest(Testing.chart(), 's', { namespace: 'o', alloy: stack.alloy, tempo: stack.tempo, prometheus: stack.prometheus, loki: stack.loki, timeoutSeconds: 5 }))
      .toThrow('test/s: timeoutSeconds must be a whole number of at least 10 (got 5)');
  });

  test('it must be given the OTLP gateway', () => {
    expect(() => new SmokeTest(Testing.chart(), 's', { namespace: 'o', alloy: stack.metricsCollector, tempo: stack.tempo, prometheus: stack.prometheus, loki: stack.loki }))
      .toThrow('test/s: alloy is the collector alloy-metrics, which does not receive OTLP; pass the OTLP gateway');
  });
});

describe('NetworkPolicies of a collector of your own', () => {
  test('scraping discovered pods opens egress to the namespaces the discovery is limited to, else to every namespace', () => {
    const stack = new ObservabilityStack(testApp(), 'observability', { networkPolicies: false, metricsCollector: false, logsCollector: false });
    const shop = new Alloy(stack, 'shop', { namespace: 'observability', name: 'alloy-shop', otlp: false, replicas: 1 });
    new AnnotationAutodiscovery(shop.config, 'a', { metrics: stack.prometheus, namespaces: ['shop', 'payments'] });
    const wide = new Alloy(stack, 'wide', { namespace: 'observability', name: 'alloy-wide', otlp: false, replicas: 1 });
    new AnnotationAutodiscovery(wide.config, 'a', { metrics: stack.prometheus });
    new StackNetworkPolicies(stack, 'np', {
      namespace: 'observability',
    });
    const ms = manifestsOf(stack);
    const toPods = (name: string) => find(ms, 'NetworkPolicy', name).spec.egress.find((r: any) => r.ports === undefined).to;
    expect(toPods('alloy-shop')).toEqual([
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'payments' } } },
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } } },
    ]);
    expect(toPods('alloy-wide')).toEqual([{ namespaceSelector: {} }]);
  });

  test('a kubelet scrape opens the kubelets\' port, not every pod; a static target outside the stack opens its port', () => {
    const stack = new ObservabilityStack(testApp(), 'observability', { networkPolicies: false, metricsCollector: false, logsCollector: false });
    const nodes = new Alloy(stack, 'nodes', { namespace: 'observability', name: 'alloy-nodes', otlp: false, replicas: 1 });
    new KubeletMetrics(nodes.config, 'kubelet', { metrics: stack.prometheus });
    new StaticScrape(nodes.config, 'node_exporter', { target: { scrapeAddress: 'node-exporter.monitoring:9100', scrapeJob: 'node-exporter' }, metrics: stack.prometheus });
    new StackNetworkPolicies(stack, 'np', {
      namespace: 'observability',
    });
    const egress = find(manifestsOf(stack), 'NetworkPolicy', 'alloy-nodes').spec.egress;
    expect(egress.filter((r: any) => r.ports === undefined)).toEqual([]);
    expect(egress).toContainEqual({ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ protocol: 'TCP', port: 10250 }] });
    expect(egress).toContainEqual({ to: [{ namespaceSelector: {} }, { ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ protocol: 'TCP', port: 9100 }] });
    expect(egress).toContainEqual({ to: [{ podSelector: { matchLabels: stack.prometheus.workload.selector } }], ports: [{ protocol: 'TCP', port: 9090 }] });
  });
});
