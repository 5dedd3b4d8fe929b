/**
 * The Kubernetes pipelines: each one's config.alloy (golden), the names Alloy v1.18.1
 * accepts, the RBAC each needs exactly, and the synth checks that keep them where they work.
 */
import * as path from 'path';
import { Testing } from 'cdk8s';
import {
  AccessRule, Alloy, AlloyConfig, AnnotationAutodiscovery, ClusterEvents, Destination, KubeStateMetrics, KubeletMetrics,
  KubeletVolumeStats, Loki, NodeLogs, ObservabilityStack, OtlpGateway, PodLogs, ServerWorkload, StackNetworkPolicies,
  StaticScrape,
} from '../../lib';
import { LOG_JOB_RULE, LOKI_LABELS, POD_LABEL_RULES } from '../../lib/pipelines';
import { DiscoveryKubernetes, PrometheusScrape } from '../../imports/alloy';
import { load } from 'js-yaml';
import { facts, unknownNames } from '../support/alloy-facts';
import { expectGolden } from '../support/golden';
import { schemaErrors } from '../support/k8s-schema';
import { find, manifestsOf, testApp } from '../support/manifests';
import { restrictedViolations } from '../support/pod-security';

const prom = Destination.remoteWrite({ name: 'prometheus', url: 'http://prometheus:9090/api/v1/write' });
const loki = Destination.lokiPush({ name: 'loki', url: 'http://loki:3100/loki/api/v1/push' });
const tempo = Destination.otlpGrpc({ name: 'tempo', endpoint: 'tempo:4317', insecure: true });
const READ = ['get', 'list', 'watch'];

/** A collector (StatefulSet unless said) with `build` run on its config; its access rules and manifests. */
function collector(build: (config: AlloyConfig) => void, props: Partial<ConstructorParameters<typeof Alloy>[2]> = {}) {
  const chart = Testing.chart();
  const alloy = new Alloy(chart, 'alloy', { namespace: 'obs', ...props });
  build(alloy.config);
  return { alloy, rules: alloy.accessRules(), manifests: () => manifestsOf(chart) };
}

function expectKnownNames(config: AlloyConfig): void {
  for (const c of config.components) {
    expect({ c: c.componentId, unknown: unknownNames(c.toStatement().body, facts.components[c.componentName]) }).toEqual({ c: c.componentId, unknown: [] });
  }
}

const cases: Array<[string, (c: AlloyConfig) => void, AccessRule[]]> = [
  ['otlp-enrichment', (c) => new OtlpGateway(c, 'otlp', {
    traces: tempo, metrics: prom, logs: loki, enrichment: { podLabels: ['app.kubernetes.io/version'], podAnnotations: ['team'] },
  }), [
    { apiGroups: [''], resources: ['pods', 'namespaces', 'nodes'], verbs: READ },
    { apiGroups: ['apps'], resources: ['replicasets'], verbs: READ },
  ]],
  ['pod-logs', (c) => new PodLogs(c, 'pod_logs', { logs: loki }), [{ apiGroups: [''], resources: ['pods', 'pods/log'], verbs: READ }]],
  ['cluster-events', (c) => new ClusterEvents(c, 'events', { logs: loki }), [{ apiGroups: [''], resources: ['events'], verbs: READ }]],
  ['annotation-autodiscovery', (c) => new AnnotationAutodiscovery(c, 'annotations', { metrics: prom }), [
    { apiGroups: [''], resources: ['pods', 'services'], verbs: READ },
  ]],
  ['kubelet-metrics', (c) => new KubeletMetrics(c, 'kubelet', { metrics: prom }), [
    { apiGroups: [''], resources: ['nodes'], verbs: READ },
    { apiGroups: [''], resources: ['nodes/metrics'], verbs: ['get'] },
  ]],
  ['static-scrape', (c) => new StaticScrape(c, 'ksm', { target: { scrapeAddress: 'kube-state-metrics:8080', scrapeJob: 'kube-state-metrics' }, metrics: prom }), []],
];

describe('each Kubernetes pipeline', () => {
  test.each(cases)('%s: config.alloy (golden), names Alloy v1.18.1 accepts, exactly the RBAC it needs', (name, build, rules) => {
    const config = new AlloyConfig(Testing.chart(), 'alloy');
    build(config);
    expectGolden(path.join(__dirname, 'golden', `${name}.alloy`), config.render());
    expectKnownNames(config);
    const c = collector(build);
    expect(c.rules).toEqual({ cluster: rules, byNamespace: new Map() });
    expect(c.manifests().filter((m) => m.kind === 'ClusterRole').map((m) => m.rules)).toEqual(rules.length === 0 ? [] : [rules]);
  });

  test('node logs: the golden config, on a DaemonSet that mounts /var/log read-only', () => {
    const config = new AlloyConfig(Testing.chart(), 'alloy');
    new NodeLogs(config, 'node_logs', { logs: loki, namespaces: ['shop'] });
    expectGolden(path.join(__dirname, 'golden', 'node-logs.alloy'), config.render());
    expectKnownNames(config);
    // only this node's pods: the field selector reads the variable the DaemonSet sets
    expect(config.render()).toContain('field = "spec.nodeName=" + sys.env("NODE_NAME")');
    const c = collector((cfg) => new NodeLogs(cfg, 'node_logs', { logs: loki, namespaces: ['shop'] }), { controller: 'DaemonSet', otlp: false, hostPaths: ['/var/log'] });
    // limited to namespaces: a Role there, and no cluster-wide read
    expect(c.rules).toEqual({ cluster: [], byNamespace: new Map([['shop', [{ apiGroups: [''], resources: ['pods'], verbs: READ }]]]) });
    const ms = c.manifests();
    const ds = find(ms, 'DaemonSet', 'alloy');
    expect(ms.filter((m) => ['StatefulSet', 'PersistentVolumeClaim', 'PodDisruptionBudget'].includes(m.kind))).toEqual([]);
    expect(ms.find((m) => m.kind === 'Service' && m.metadata.name === 'alloy-cluster')).toBeUndefined();
    const pod = ds.spec.template.spec;
    expect(pod.volumes).toContainEqual({ name: 'host-0', hostPath: { path: '/var/log', type: 'Directory' } });
    expect(pod.volumes).toContainEqual({ name: 'data', emptyDir: { sizeLimit: '10Gi' } });
    expect(pod.containers[0].volumeMounts).toContainEqual({ name: 'host-0', mountPath: '/var/log', readOnly: true });
    expect(pod.containers[0].env[0]).toEqual({ name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } });
    expect(pod.containers[0].ports.map((p: any) => p.name)).toEqual(['http-metrics']);
    expect(pod.containers[0].args.some((a: string) => a.startsWith('--cluster'))).toBe(false);
    // the stated exception: root, every capability dropped, read-only root filesystem, no escalation
    expect(pod.containers[0].securityContext).toEqual({
      runAsNonRoot: false, runAsUser: 0, runAsGroup: 0, allowPrivilegeEscalation: false, privileged: false, readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'], add: [] }, seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(ds.spec.template.metadata.annotations['cdk8s-alloy/pod-security-exception']).toMatch(/^hostPath \/var\/log \(read-only\), as root/);
    expect(restrictedViolations(pod).sort()).toEqual(expect.arrayContaining([expect.stringMatching(/hostPath/)]));
    for (const m of ms) expect({ o: `${m.kind}/${m.metadata.name}`, e: schemaErrors(m) }).toEqual({ o: `${m.kind}/${m.metadata.name}`, e: [] });
  });
});

describe('synth checks keep each pipeline where it works', () => {
  const fails = (build: (c: AlloyConfig) => void, props: Partial<ConstructorParameters<typeof Alloy>[2]>, message: string) => {
    expect(() => collector(build, props).manifests()).toThrow(message);
  };

  test('node logs need a DaemonSet with the host path', () => {
    fails((c) => new NodeLogs(c, 'node_logs', { logs: loki }), {},
      'test/alloy/config/node_logs: reads /var/log/pods on the node, but the collector test/alloy is a StatefulSet; create it with controller: "DaemonSet" and hostPaths: ["/var/log/pods"]');
    fails((c) => new NodeLogs(c, 'node_logs', { logs: loki }), { controller: 'DaemonSet' },
      'but the collector test/alloy mounts no host path');
  });

  test('cluster-wide sources do not run on a DaemonSet; clustering does not either', () => {
    fails((c) => new ClusterEvents(c, 'events', { logs: loki }), { controller: 'DaemonSet' },
      'test/alloy/config/events/source (loki.source.kubernetes_events.cluster_events): reads the whole cluster, so a DaemonSet would read it once per node; put it in a StatefulSet collector');
    fails((c) => new KubeletMetrics(c, 'k', { metrics: prom }), { controller: 'DaemonSet' },
      'a DaemonSet collector reads its own node and does not cluster');
  });

  test('pod logs read through the API run once: not on a DaemonSet, and clustered across replicas', () => {
    fails((c) => new PodLogs(c, 'pod_logs', { logs: loki }), { controller: 'DaemonSet' },
      'reads the whole cluster, so a DaemonSet would read it once per node; put it in a StatefulSet collector');
    const { alloy, manifests } = collector((c) => new PodLogs(c, 'pod_logs', { logs: loki }));
    expect(alloy.clustering).toBe(true);
    expect(find(manifests(), 'StatefulSet', 'alloy').spec.template.spec.containers[0].args).toContain('--cluster.enabled=true');
  });

  test('a DaemonSet takes no replicas or claim; host paths need a DaemonSet', () => {
    expect(() => new Alloy(Testing.chart(), 'a', { namespace: 'o', controller: 'DaemonSet', replicas: 3 })).toThrow(
      'test/a: a DaemonSet collector runs one pod per node, without clustering or a claim (got replicas 3); drop those props, or use controller: "StatefulSet"');
    expect(() => new Alloy(Testing.chart(), 'a', { namespace: 'o', hostPaths: ['/var/log'] })).toThrow(
      'test/a: hostPaths (got /var/log) read one node\'s files, so they need controller: "DaemonSet"');
    expect(() => new Alloy(Testing.chart(), 'a', { namespace: 'o', controller: 'DaemonSet', hostPaths: ['var/log'] })).toThrow(
      'test/a: hostPaths must be absolute directories without ".." (got "var/log"); such as "/var/log"');
    expect(() => new Alloy(Testing.chart(), 'a', { namespace: 'o', controller: 'Deployment' as never })).toThrow(
      'test/a: controller must be "StatefulSet" or "DaemonSet" (got "Deployment")');
  });

  test('bad pipeline props fail with the value and the fix', () => {
    const cfg = () => new AlloyConfig(Testing.chart(), 'c');
    expect(() => new PodLogs(cfg(), 'p', { logs: loki, namespaces: [] })).toThrow('test/c/p: namespaces is empty (got []); leave it out for every namespace, or name at least one');
    expect(() => new ClusterEvents(cfg(), 'e', { logs: loki, namespaces: ['a', 'a'] })).toThrow('test/c/e: namespace "a" is listed twice in namespaces; list each once');
    expect(() => new AnnotationAutodiscovery(cfg(), 'a', { metrics: prom, annotationPrefix: 'Prometheus.IO' })).toThrow(
      'test/c/a: annotationPrefix must be a DNS subdomain (got "Prometheus.IO"); such as "prometheus.io"');
    expect(() => new KubeletMetrics(cfg(), 'k', { metrics: prom, cadvisorKeep: 'container_(' })).toThrow('test/c/k: cadvisorKeep is not a regular expression (got "container_(")');
    expect(() => new OtlpGateway(cfg(), 'g', { traces: tempo, enrichment: { podLabels: ['not a key'] } })).toThrow(
      'test/c/g/enrichment: podLabels has an invalid Kubernetes key (got "not a key"); use a key like "app.kubernetes.io/version"');
    expect(() => new PodLogs(Testing.chart(), 'p', { logs: loki })).toThrow('test/p: PodLogs is not inside an AlloyConfig');
  });

  test('annotation autodiscovery reads the prefix it is given', () => {
    const c = new AlloyConfig(Testing.chart(), 'c');
    new AnnotationAutodiscovery(c, 'a', { metrics: prom, annotationPrefix: 'k8s.grafana.com', namespaces: ['shop'] });
    const text = c.render();
    expect(text).toContain('source_labels = ["__meta_kubernetes_pod_annotation_k8s_grafana_com_scrape"]');
    expect(text).toContain('source_labels = ["__address__", "__meta_kubernetes_service_annotation_k8s_grafana_com_port"]');
    expect(text).toContain('namespaces {\n\t\tnames = ["shop"]\n\t}');
  });
});

describe('kube-state-metrics', () => {
  test('a restricted Deployment that lists and watches exactly what it exports, scraped by object reference', () => {
    const chart = Testing.chart();
    const ksm = new KubeStateMetrics(chart, 'ksm', { namespace: 'obs', exportResources: ['pods', 'deployments', 'nodes'] });
    const ms = manifestsOf(chart);
    expect(find(ms, 'ClusterRole', 'obs-kube-state-metrics').rules).toEqual([
      { apiGroups: [''], resources: ['nodes', 'pods'], verbs: ['list', 'watch'] },
      { apiGroups: ['apps'], resources: ['deployments'], verbs: ['list', 'watch'] },
    ]);
    const pod = find(ms, 'Deployment', 'kube-state-metrics').spec.template.spec;
    expect(pod.containers[0].args).toEqual(['--port=8080', '--telemetry-port=8081', '--resources=deployments,nodes,pods']);
    expect(restrictedViolations(pod)).toEqual([]);
    expect(ms.filter((m) => m.kind === 'ConfigMap')).toEqual([]);
    for (const m of ms) expect(schemaErrors(m)).toEqual([]);
    expect(ksm.scrapeAddress).toBe('kube-state-metrics:8080');
    expect(() => new KubeStateMetrics(Testing.chart(), 'k', { namespace: 'o', exportResources: ['secrets'] })).toThrow('test/k: kube-state-metrics cannot export "secrets"; use some of');
  });
});

describe('pipelines of one kind side by side, and labels through OTLP to Loki', () => {
  test('a label of its own lets a second pipeline of a kind into the same config', () => {
    const c = new AlloyConfig(Testing.chart(), 'c');
    new AnnotationAutodiscovery(c, 'a', { metrics: prom });
    new AnnotationAutodiscovery(c, 'b', { metrics: prom, annotationPrefix: 'k8s.grafana.com', label: 'grafana_annotated' });
    new KubeletMetrics(c, 'k', { metrics: prom });
    new KubeletVolumeStats(c, 'v', { metrics: prom, label: 'volumes' });
    new PodLogs(c, 'p', { logs: loki });
    new PodLogs(c, 'q', { logs: loki, namespaces: ['shop'], label: 'shop_logs' });
    expect(() => c.render()).not.toThrow();
    expect(c.components.map((x) => x.componentId)).toEqual(expect.arrayContaining([
      'prometheus.scrape.grafana_annotated_pods', 'prometheus.scrape.volumes_scrape', 'loki.source.kubernetes.shop_logs',
    ]));
    const d = new AlloyConfig(Testing.chart(), 'd');
    new PodLogs(d, 'p', { logs: loki });
    new PodLogs(d, 'q', { logs: loki });
    expect(() => d.render()).toThrow('test/d/q/pods: duplicate component discovery.kubernetes "pod_logs", also at test/d/p/pods');
    expect(() => new PodLogs(new AlloyConfig(Testing.chart(), 'e'), 'p', { logs: loki, label: 'pod-logs' })).toThrow('test/e/p: invalid label');
  });

  test('the labels of pod logs and events become resource attributes that the stack\'s Loki indexes', () => {
    // every label the log pipelines set is one Loki indexes
    const set = [...POD_LABEL_RULES, LOG_JOB_RULE].map((r) => r.targetLabel);
    expect([...new Set([...set, 'job', 'namespace'])].sort()).toEqual([...LOKI_LABELS].sort());
    const chart = Testing.chart();
    const stackLoki = new Loki(chart, 'loki', { namespace: 'obs' });
    const c = new AlloyConfig(chart, 'c');
    new PodLogs(c, 'p', { logs: stackLoki });
    const text = c.render();
    expect(text).toContain('loki.source.kubernetes "pod_logs" {\n\tforward_to = [otelcol.receiver.loki.loki_data.receiver]');
    expect(text).toContain('logs = [otelcol.processor.transform.loki_labels.input]');
    for (const k of LOKI_LABELS) {
      expect(text).toContain(`"set(resource.attributes[\\"${k}\\"], attributes[\\"${k}\\"]) where attributes[\\"${k}\\"] != nil"`);
    }
    expect(text).toContain('"set(resource.attributes[\\"service.name\\"], attributes[\\"app\\"]) where attributes[\\"app\\"] != nil"');
    const lokiYaml = load(manifestsOf(chart).find((m) => m.kind === 'ConfigMap' && m.metadata.name === 'loki-config')!.data['loki.yaml']) as any;
    expect(lokiYaml.limits_config.otlp_config).toEqual({ resource_attributes: { attributes_config: [{ action: 'index_label', attributes: [...LOKI_LABELS] }] } });
  });
});

describe('the pieces under the pipelines', () => {
  test('a config refuses a host path that is not an absolute plain directory', () => {
    const c = new AlloyConfig(Testing.chart(), 'c');
    expect(() => c.requireHostPath('/var/../etc', 'test/c/p')).toThrow('test/c/p: host paths must be absolute directories without ".." (got "/var/../etc"); such as "/var/log"');
    expect(() => c.requireHostPath('var/log', 'test/c/p')).toThrow('(got "var/log")');
    c.requireHostPath('/var/log/pods', 'test/c/p');
    expect([...c.requiredHostPaths]).toEqual([['/var/log/pods', 'test/c/p']]);
  });

  test('a DaemonSet workload rolls one node at a time, with no claim or disruption budget (what it cannot take: __tests__/workloads/controller.types.test.ts)', () => {
    const base = {
      namespace: 'o', name: 'ds', instance: 'i', component: 'c', image: 'img:1', ports: [{ name: 'http', port: 8080 }],
      readiness: { path: '/ready', port: 'http' }, runAs: { uid: 1000, gid: 1000 },
      resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '1', memory: '1Gi' } },
    };
    const chart = Testing.chart();
    new ServerWorkload(chart, 'w', { ...base, controller: { kind: 'DaemonSet' } });
    const ms = manifestsOf(chart);
    expect(ms.map((m) => m.kind).sort()).toEqual(['DaemonSet', 'Service']);
    expect(find(ms, 'DaemonSet', 'ds').spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } });
  });

  test('own_namespace limits the scrape egress to the collector\'s namespace', () => {
    const stack = new ObservabilityStack(testApp(), 'observability', { networkPolicies: false, metricsCollector: false, logsCollector: false });
    const own = new Alloy(stack, 'own', { namespace: 'observability', name: 'alloy-own', otlp: false, replicas: 1 });
    const pods = new DiscoveryKubernetes(own.config, 'pods', { role: 'pod', namespaces: { ownNamespace: true } });
    new PrometheusScrape(own.config, 'scrape', { targets: pods.targets, forwardTo: [stack.prometheus.metricsReceiver(own.config)] });
    new StackNetworkPolicies(stack, 'np', {
      namespace: 'observability',
    });
    const egress = find(manifestsOf(stack), 'NetworkPolicy', 'alloy-own').spec.egress;
    expect(egress.find((r: any) => r.ports === undefined).to).toEqual([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'observability' } } }]);
  });

  test('kubelet scrapes: verifyKubeletCertificate checks the kubelets\' certificates with the cluster CA; by default they skip verification, with no dead ca_file', () => {
    const verifying = new AlloyConfig(Testing.chart(), 'alloy');
    new KubeletMetrics(verifying, 'kubelet', { metrics: prom, verifyKubeletCertificate: true });
    new KubeletVolumeStats(verifying, 'volumes', { metrics: prom, label: 'volumes', verifyKubeletCertificate: true });
    const text = verifying.render();
    // kubelet, cadvisor and the volume scrape
    expect(text.split('\ttls_config {\n\t\tca_file = "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt"\n\t}\n').length - 1).toBe(3);
    expect(text).not.toContain('insecure_skip_verify');
    expectKnownNames(verifying);
    const skipping = new AlloyConfig(Testing.chart(), 'alloy');
    new KubeletMetrics(skipping, 'kubelet', { metrics: prom });
    new KubeletVolumeStats(skipping, 'volumes', { metrics: prom, label: 'volumes' });
    expect(skipping.render().split('\ttls_config {\n\t\tinsecure_skip_verify = true\n\t}\n').length - 1).toBe(3);
    expect(skipping.render()).not.toContain('ca_file');
  });
});
