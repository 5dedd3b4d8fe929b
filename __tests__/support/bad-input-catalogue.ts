/**
 * The catalogue of wrong inputs across the public API: each must fail with what is wrong,
 * the value received and how to fix it. __tests__/bad-input.test.ts runs it;
 * scripts/bad-input-doc.ts writes docs/bad-input.md from it.
 */
import { App, Chart, Testing } from 'cdk8s';
import {
  Alertmanager, Alloy, AlloyConfig, AnnotationAutodiscovery, ClusterEvents, Destination, Environments, Expr, Grafana, KubeStateMetrics,
  KubeletMetrics, NodeLogs, ObservabilityStack, PodLogs, SmokeTest, OtlpGateway, Prometheus, ServerWorkload, Tempo, composeProject,
} from '../../lib';
import { quote } from '../../lib/alloy';
import {
  DiscoveryKubernetes, LokiWrite, OtelcolExporterLoki, OtelcolExporterOtlp, OtelcolProcessorBatch, OtelcolReceiverOtlp, OtelcolStorageFile,
  PrometheusRemoteWrite,
} from '../../imports/alloy';

const ns = { namespace: 'obs' };
const loki = Destination.lokiPush({ name: 'loki', url: 'http://loki:3100/loki/api/v1/push' });
const prom = Destination.remoteWrite({ name: 'prometheus', url: 'http://prometheus:9090/api/v1/write' });
const tempo = Destination.otlpGrpc({ name: 'tempo', endpoint: 'tempo:4317', insecure: true });
const chart = () => Testing.chart();
const config = () => new AlloyConfig(Testing.chart(), 'alloy');
/** Runs `build` in a fresh app and synthesizes it. */
const synth = (build: (chart: Chart) => void) => () => {
  const app = new App({ outdir: '/nonexistent-never-written' });
  const c = new Chart(app, 'c');
  build(c);
  app.synth();
};
const render = (build: (cfg: AlloyConfig) => void) => () => {
  const cfg = config();
  build(cfg);
  cfg.render();
};
const server = {
  ...ns, name: 'app', instance: 'i', component: 'c', image: 'img:1', ports: [{ name: 'http', port: 8080 }],
  readiness: { path: '/ready', port: 'http' }, runAs: { uid: 1000, gid: 1000 },
  resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '1', memory: '1Gi' } },
  configFiles: { mountPath: '/etc/app', data: {} },
};

/** [area, case, what to run, the message (or its distinctive part)]. */
export const CATALOGUE: Array<[string, string, () => unknown, string]> = [
  ['Kubernetes', 'fails when the namespace is not a DNS label', () => new ObservabilityStack(Testing.app(), 'o', { namespace: 'Observability' }), 'o: invalid namespace (got "Observability"); use at most 63 lowercase letters'],
  ['Kubernetes', 'fails when the stack id is not a DNS label', () => new ObservabilityStack(Testing.app(), 'My_Stack'), 'My_Stack: invalid stack id (used as app.kubernetes.io/instance) (got "My_Stack")'],
  ['Kubernetes', 'fails when a workload name is not a DNS label', () => new ServerWorkload(chart(), 'w', { ...server, name: 'App_1' }), 'test/w: invalid name (got "App_1")'],
  ['Kubernetes', 'fails when a Secret name is invalid', () => new Grafana(chart(), 'g', { ...ns, adminSecretName: 'Admin Secret' }), 'test/g: invalid adminSecretName (got "Admin Secret")'],
  ['Kubernetes', 'fails when a CPU quantity is malformed', () => new ServerWorkload(chart(), 'w', { ...server, resources: { requests: { cpu: '100 m', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } } }), 'invalid requests.cpu quantity (got "100 m"); write it as Kubernetes does'],
  ['Kubernetes', 'fails when a memory quantity uses decimal bytes', () => new ServerWorkload(chart(), 'w', { ...server, resources: { requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1', memory: '1GB' } } }), 'invalid limits.memory quantity (got "1GB")'],
  ['Kubernetes', 'fails when a volume size is malformed', () => new Tempo(chart(), 't', { ...ns, storageSize: 'big' }), 'invalid storage size (got "big"); write a positive size such as "10Gi" or "500Mi"'],
  ['Kubernetes', 'fails when replicas are zero or negative', () => new Alloy(chart(), 'alloy', { ...ns, replicas: 0 }), 'test/alloy: replicas must be a whole number of at least 1 (got 0)'],
  ['Kubernetes', 'fails when a probe names a port the container lacks', () => new ServerWorkload(chart(), 'w', { ...server, readiness: { path: '/', port: 'metrics' } }), 'probe port "metrics" is not one of the container\'s ports; use one of http'],
  ['Ports', 'fails when a port is out of range', () => new Alloy(chart(), 'alloy', { ...ns, otlpGrpcPort: 70000 }), 'test/alloy: otlpGrpcPort out of range (got 70000); use a whole number from 1 to 65535'],
  ['Ports', 'fails when two ports of the collector are the same', () => new Alloy(chart(), 'alloy', { ...ns, otlpHttpPort: 12345 }), 'test/alloy: two ports are the same (got 12345 twice'],
  ['Ports', 'fails when two receivers of a gateway share a port', () => new OtlpGateway(config(), 'gw', { traces: Destination.otlpGrpc({ name: 't', endpoint: 't:1' }), grpcPort: 4318 }), 'gRPC and HTTP receivers on the same port (got 4318); give them different ports'],
  ['Ports', 'fails when a receiver listens on a port nobody exposes', synth((c) => { const a = new Alloy(c, 'alloy', ns); new OtelcolReceiverOtlp(a.config, 'r', { http: { endpoint: '0.0.0.0:9999' }, output: {}, dropOutput: true }); }), 'http listens on port 9999, which neither the container nor the Service exposes'],
  ['Durations', 'fails when a retention is negative', () => new Prometheus(chart(), 'p', { ...ns, retention: '-1d' }), 'test/p: invalid retention (got "-1d"); write a positive duration'],
  ['Durations', 'fails when a Loki retention is not whole days', () => new ObservabilityStack(Testing.app(), 'o', { loki: { retention: '36h' } }), 'retention must be whole days, a multiple of Loki\'s 24h index period (got "36h")'],
  ['Durations', 'fails when a duration is in words', () => new Tempo(chart(), 't', { ...ns, retention: '7 days' }), 'test/t: invalid retention (got "7 days"); write a positive duration with units y, w, d, h, m, s, ms'],
  ['Durations', 'fails when an Alloy duration is malformed', render((cfg) => new OtelcolProcessorBatch(cfg, 'b', { timeout: '5 seconds', output: {}, dropOutput: true })), 'timeout: expected a duration (got "5 seconds"); write it as Go does'],
  ['Sizes', 'fails when Prometheus\'s retention size does not fit its volume', () => new Prometheus(chart(), 'p', { ...ns, retentionSize: '20GB', storageSize: '10Gi' }), 'retentionSize 20GB does not fit the 10Gi volume'],
  ['Sizes', 'fails when the disk queues leave no room on the volume', () => {
    const app = new App({ outdir: require('os').tmpdir() });
    new ObservabilityStack(app, 'o', { alloy: { durability: { tracesQueueSize: '6Gi', logsQueueSize: '4Gi' } } });
    app.synth();
  }, 'take more than 80 % of the 10Gi volume'],
  ['Sizes', 'fails when the memory limiter\'s spike is not below its limit', () => new OtlpGateway(config(), 'gw', { traces: Destination.otlpGrpc({ name: 't', endpoint: 't:1' }), memoryLimitPercentage: 50, memorySpikeLimitPercentage: 50 }), 'memorySpikeLimitPercentage (got 50) must be below memoryLimitPercentage (50)'],
  ['URLs', 'fails when a remote-write URL has no scheme', () => Destination.remoteWrite({ name: 'p', url: 'prometheus:9090/api/v1/write' }), 'Destination.remoteWrite "p": invalid address (got "prometheus:9090/api/v1/write"); use an http(s) URL'],
  ['URLs', 'fails when an OTLP gRPC endpoint is a URL', () => Destination.otlpGrpc({ name: 'x', endpoint: 'http://tempo:4317' }), 'invalid address (got "http://tempo:4317"); use host:port'],
  ['URLs', 'fails when a webhook URL has no scheme', () => new Alertmanager(chart(), 'am', { ...ns, receivers: [{ name: 'default', webhooks: [{ url: 'hooks.example.com' }] }] }), 'invalid webhook url (got "hooks.example.com"); use an http(s) URL'],
  ['URLs', 'fails when a scrape address is a URL', () => new Prometheus(chart(), 'p', ns).addScrapeTarget({ job: 'app', address: 'http://x:1' }), 'invalid scrape address for job "app" (got "http://x:1"); use host:port'],
  ['Alloy labels', 'fails when a label from the construct id is not an identifier', () => new LokiWrite(config(), 'my-writer'), 'invalid label (taken from the construct id; pass props.label to choose another) (got "my-writer")'],
  ['Alloy labels', 'fails when a label starts with a digit', () => new LokiWrite(config(), 'w', { label: '9lives' }), 'invalid label (got "9lives")'],
  ['Alloy labels', 'fails when a destination name is not an identifier', () => Destination.lokiPush({ name: 'my-loki', url: 'http://loki:3100/loki/api/v1/push' }), 'Destination.lokiPush: invalid name (got "my-loki")'],
  ['Alloy graph', 'fails when two components of one name share a label', render((cfg) => { new LokiWrite(cfg, 'a', { label: 'x' }); new LokiWrite(cfg, 'b', { label: 'x' }); }), 'duplicate component loki.write "x", also at test/alloy/a (got label "x"); a label must be unique among the loki.write components of a config: pass another label in the props, such as label: \'x_2\''],
  ['Alloy graph', 'fails when two components of one name share an id', () => { const cfg = config(); new LokiWrite(cfg, 'w'); new LokiWrite(cfg, 'w'); }, 'test/alloy/w: duplicate component loki.write "w", also at test/alloy/w (got label "w"); a label must be unique among the loki.write components of a config: pass another id (the label follows it)'],
  ['Alloy graph', 'fails when a component\'s id is taken by a pipeline', () => { const cfg = config(); new PodLogs(cfg, 'w', { logs: loki }); new LokiWrite(cfg, 'w'); }, 'test/alloy/w: the construct id is already taken by a construct that is not an Alloy component in test/alloy (got id "w"); pass another id, with label: \'w\' in the props to keep the Alloy label loki.write "w"'],
  ['Alloy graph', 'fails when a component is outside any config', () => new LokiWrite(chart(), 'lonely'), 'is not inside an AlloyConfig; create it with an AlloyConfig'],
  ['Alloy graph', 'fails when a component references another config\'s component', synth((c) => { const w = new LokiWrite(new AlloyConfig(c, 'one'), 'w'); new OtelcolExporterLoki(new AlloyConfig(c, 'two'), 'e', { forwardTo: [w.receiver] }); }), 'which belongs to another config (c/one)'],
  ['Alloy graph', 'fails when a reference by path names a missing component', render((cfg) => new OtelcolExporterOtlp(cfg, 'x', { client: { endpoint: Expr.ref('otelcol.exporter.otlp.missing.input') } })), 'references otelcol.exporter.otlp.missing.input, but no component of this config'],
  ['Alloy graph', 'fails when components reference each other in a cycle', render((cfg) => { const b = new OtelcolProcessorBatch(cfg, 'b', { output: {}, dropOutput: true }); b.addBlock('output', [{ kind: 'attribute', name: 'logs', value: [b.input] }]); }), 'components reference each other in a cycle'],
  ['Alloy graph', 'fails when a processor\'s output goes nowhere', render((cfg) => new OtelcolProcessorBatch(cfg, 'b', { output: {} })), 'its output block sends nowhere (prop output), so Alloy would drop the data'],
  ['Alloy graph', 'fails when a forward_to is empty', render((cfg) => new OtelcolExporterLoki(cfg, 'l', { forwardTo: [] })), 'its forward_to is empty (prop forwardTo)'],
  ['Alloy graph', 'fails when a gateway has no destination (an empty pipeline)', () => new OtlpGateway(config(), 'gw', {}), 'the gateway has no destination (got none of traces, metrics, logs); pass at least one'],
  ['Alloy graph', 'fails when two destinations of one name differ', () => { const c = config(); new OtlpGateway(c, 'a', { label: 'a', traces: Destination.otlpGrpc({ name: 't', endpoint: 't:1' }) }); new OtlpGateway(c, 'b', { label: 'b', grpcPort: 5317, httpPort: 5318, traces: Destination.otlpGrpc({ name: 't', endpoint: 'u:2' }) }); }, 'a destination named "t" already exists with'],
  ['Alloy arguments', 'fails when a required argument is missing', render((cfg) => new PrometheusRemoteWrite(cfg, 'rw', { endpoint: [{} as never] })), 'missing required attribute "url" (prop url); set url'],
  ['Alloy arguments', 'fails when a required block is an empty list', render((cfg) => new OtelcolExporterOtlp(cfg, 'o', { client: [] as never })), 'required block "client" given as an empty list (prop client)'],
  ['Alloy arguments', 'fails when a prop is unknown', render((cfg) => new LokiWrite(cfg, 'w', { maxStream: 1 } as never)), 'unknown argument or block "maxStream"; known: externalLabels, maxStreams, endpoint, wal'],
  ['Alloy arguments', 'fails when a number is a string', render((cfg) => new LokiWrite(cfg, 'w', { maxStreams: 'ten' as never })), 'max_streams: expected a finite number (got "ten")'],
  ['Alloy arguments', 'fails when a typed export is used as a plain value', render((cfg) => { const e = new OtelcolExporterOtlp(cfg, 'e', { client: { endpoint: 'x:1' } }); new OtelcolExporterOtlp(cfg, 'o', { client: { endpoint: e.input as never } }); }), 'is typed for wiring and cannot be used as string'],
  ['Alloy arguments', 'fails when a consumer of other signals is forced into an output', render((cfg) => { const l = new OtelcolExporterLoki(cfg, 'l', { forwardTo: [new LokiWrite(cfg, 'w').receiver] }); new OtelcolProcessorBatch(cfg, 'b', { output: { traces: [l.input as never] } }); }), 'does not accept traces; send traces only to the input of a component that accepts traces'],
  ['Secrets', 'fails when a secret is a literal', render((cfg) => new LokiWrite(cfg, 'w', { endpoint: { url: 'http://x', bearerToken: 'hunter2' as never } })), 'bearer_token: a secret cannot be a literal (got a string literal); pass a reference such as Expr.env("MY_TOKEN")'],
  ['Secrets', 'fails when an Authorization header is a literal', render((cfg) => new LokiWrite(cfg, 'w', { endpoint: { url: 'http://x', headers: { Authorization: 'Bearer hunter2' } } })), 'header "Authorization" carries a credential and cannot be a literal'],
  ['Secrets', 'fails when a Secret reference is malformed', () => config().secretEnv({ name: 'Bad Name', key: 'k' }), 'invalid Secret reference (got name "Bad Name", key "k")'],
  ['Escape hatches', 'fails when an escape-hatch argument is unknown to Alloy', () => new LokiWrite(config(), 'w').addAttribute('future_argument', 1), 'Alloy v1.18.1 knows no argument "future_argument" in loki.write; use one of'],
  ['Escape hatches', 'fails when an escape-hatch block is unknown to Alloy', () => new LokiWrite(config(), 'w').addBlock('future_block', []), 'Alloy v1.18.1 knows no block "future_block" in loki.write'],
  ['Escape hatches', 'fails when an escape-hatch value has the wrong kind', () => new LokiWrite(config(), 'w').addAttribute('max_streams', 'many'), 'max_streams: expected a finite number (got "many")'],
  ['Strings', 'fails when a string holds a lone surrogate', () => quote('bad \ud800'), 'string literal: lone UTF-16 surrogate U+D800'],
  ['Stability', 'fails when --stability.level is pinned above what the config needs', synth((c) => { const a = new Alloy(c, 'alloy', { ...ns, stabilityLevel: 'generally-available' }); new OtelcolStorageFile(a.config, 'extra_queue'); }), 'stabilityLevel is pinned to "generally-available" but the config uses public-preview components'],
  ['Storage', 'fails when a queue directory is off the volume', synth((c) => { const a = new Alloy(c, 'alloy', ns); new OtelcolStorageFile(a.config, 'q', { directory: '/tmp/q' }); }), 'directory "/tmp/q" is not on the collector\'s volume; put it under /var/lib/alloy/data/'],
  ['Collectors', 'fails when a DaemonSet collector is given replicas', () => new Alloy(chart(), 'a', { ...ns, controller: 'DaemonSet', replicas: 2 }), 'a DaemonSet collector runs one pod per node, without clustering or a claim (got replicas 2)'],
  ['Collectors', 'fails when a DaemonSet collector is autoscaled', () => new Alloy(chart(), 'a', { ...ns, controller: 'DaemonSet', autoscaling: { minReplicas: 1, maxReplicas: 3 } }), 'a DaemonSet collector runs one pod per node, without clustering or a claim (got autoscaling)'],
  ['Autoscaling', 'fails when replicas and autoscaling are both set', () => new Alloy(chart(), 'a', { ...ns, replicas: 3, autoscaling: { minReplicas: 2, maxReplicas: 6 } }), 'test/a: replicas (got 3) and autoscaling both set the replica count; drop replicas'],
  ['Autoscaling', 'fails when maxReplicas is below minReplicas', () => new Alloy(chart(), 'a', { ...ns, autoscaling: { minReplicas: 4, maxReplicas: 2 } }), 'test/a: autoscaling.maxReplicas (got 2) is below minReplicas (got 4); make maxReplicas at least 4'],
  ['Autoscaling', 'fails when a target is not a percentage from 1 to 100', () => new Alloy(chart(), 'a', { ...ns, autoscaling: { minReplicas: 1, maxReplicas: 2, targetCpuUtilization: 150 } }), 'test/a: autoscaling.targetCpuUtilization is a percentage of the container\'s requests (got 150); use a whole number from 1 to 100'],
  ['Autoscaling', 'fails when the scale-down window is over the API\'s hour', () => new Alloy(chart(), 'a', { ...ns, autoscaling: { minReplicas: 1, maxReplicas: 2, scaleDownStabilization: '2h' } }), 'test/a: autoscaling.scaleDownStabilization must be whole seconds up to 1h, the Kubernetes API\'s limit (got "2h")'],
  ['Autoscaling', 'fails when the memory target lies above the memory limiter\'s soft limit', synth((c) => { const a = new Alloy(c, 'alloy', { ...ns, autoscaling: { minReplicas: 1, maxReplicas: 2, targetMemoryUtilization: 90 } }); new OtlpGateway(a.config, 'otlp', { traces: tempo, memoryLimitMib: a.memoryLimiterMib }); }), 'autoscaling.targetMemoryUtilization 90 % of the 1Gi memory request is 922Mi, above the soft limit of otelcol.processor.memory_limiter.default (615Mi: limit minus spike)'],
  ['Collectors', 'fails when host paths are mounted into a StatefulSet', () => new Alloy(chart(), 'a', { ...ns, hostPaths: ['/var/log'] }), 'hostPaths (got /var/log) read one node\'s files, so they need controller: "DaemonSet"'],
  ['Collectors', 'fails when a host path is relative', () => new Alloy(chart(), 'a', { ...ns, controller: 'DaemonSet', hostPaths: ['var/log'] }), 'hostPaths must be absolute directories without ".." (got "var/log")'],
  ['Collectors', 'fails when node logs are tailed by a StatefulSet', synth((c) => { const a = new Alloy(c, 'alloy', ns); new NodeLogs(a.config, 'node_logs', { logs: loki }); }), 'reads /var/log/pods on the node, but the collector c/alloy is a StatefulSet; create it with controller: "DaemonSet" and hostPaths: ["/var/log/pods"]'],
  ['Collectors', 'fails when cluster events run on a DaemonSet', synth((c) => { const a = new Alloy(c, 'alloy', { ...ns, controller: 'DaemonSet' }); new ClusterEvents(a.config, 'events', { logs: loki }); }), 'reads the whole cluster, so a DaemonSet would read it once per node; put it in a StatefulSet collector'],
  ['Collectors', 'fails when the node-logs namespace is the restricted one', () => new ObservabilityStack(Testing.app(), 'o', { namespace: 'obs', nodeLogs: { namespace: 'obs' } }), 'nodeLogs.namespace is the stack\'s own namespace (got "obs"), which enforces the restricted profile'],
  ['Kubernetes pipelines', 'fails when the namespaces list is empty', () => new PodLogs(config(), 'p', { logs: loki, namespaces: [] }), 'namespaces is empty (got []); leave it out for every namespace, or name at least one'],
  ['Kubernetes pipelines', 'fails when an annotation prefix is not a DNS subdomain', () => new AnnotationAutodiscovery(config(), 'a', { metrics: prom, annotationPrefix: 'Prometheus.IO' }), 'annotationPrefix must be a DNS subdomain (got "Prometheus.IO"); such as "prometheus.io"'],
  ['Kubernetes pipelines', 'fails when a keep list is not a regular expression', () => new KubeletMetrics(config(), 'k', { metrics: prom, cadvisorKeep: 'container_(' }), 'cadvisorKeep is not a regular expression (got "container_(")'],
  ['Kubernetes pipelines', 'fails when a pod label to copy is not a Kubernetes key', () => new OtlpGateway(config(), 'g', { traces: tempo, enrichment: { podLabels: ['not a key'] } }), 'podLabels has an invalid Kubernetes key (got "not a key"); use a key like "app.kubernetes.io/version"'],
  ['Kubernetes pipelines', 'fails when kube-state-metrics is asked for a resource it cannot export', () => new KubeStateMetrics(chart(), 'k', { ...ns, exportResources: ['secrets'] }), 'kube-state-metrics cannot export "secrets"; use some of'],
  ['Object storage', 'fails when Loki or Tempo has replicas on local storage', () => new ObservabilityStack(Testing.app(), 'o', { loki: { replicas: 3 } }), 'o/loki: replicas 3 need object storage (got replicas 3 on local storage): each replica\'s volume is its own, so replicas would neither share their data nor see one another\'s; set objectStorage, or replicas: 1'],
  ['Object storage', 'fails when a credential is given as a value', () => new Tempo(chart(), 't', { ...ns, objectStorage: { type: 's3', bucket: 'traces', region: 'us-east-1', credentials: 'AKIA...' as never } }), 'test/t: objectStorage.credentials must be a Secret reference (got a string); give credentials: { secretName, accessKeyIdKey, secretAccessKeyKey } and put the value in that Secret'],
  ['Object storage', 'fails when a credential\'s Secret name is invalid', () => new Tempo(chart(), 't', { ...ns, objectStorage: { type: 'azure', container: 'traces', accountName: 'telemetry', accountKey: { secretName: 'Azure_Key' } } }), 'test/t: invalid objectStorage.accountKey.secretName (got "Azure_Key")'],
  ['Object storage', 'fails when an S3 store has neither endpoint nor region', () => new Tempo(chart(), 't', { ...ns, objectStorage: { type: 's3', bucket: 'traces' } }), 'test/t: objectStorage of type "s3" has neither endpoint nor region; for AWS S3 set region (such as "us-east-1"), for an S3-compatible store set endpoint (such as "minio.storage:9000")'],
  ['Smoke test', 'fails when the smoke test is pointed at a collector without OTLP', () => {
    const s = new ObservabilityStack(Testing.app(), 'o', ns);
    return new SmokeTest(chart(), 's', { ...ns, alloy: s.metricsCollector, tempo: s.tempo, prometheus: s.prometheus, loki: s.loki });
  }, 'alloy is the collector alloy-metrics, which does not receive OTLP; pass the OTLP gateway'],
  ['External backends', 'fails when external metrics are given no way to receive the stack\'s alerts', () => new ObservabilityStack(Testing.app(), 'o', {
    external: { metrics: { remoteWriteUrl: 'https://mimir.example.com/api/v1/push', queryUrl: 'https://mimir.example.com/prometheus' } as never },
  }), 'external.metrics.alerts is missing (got undefined); the stack\'s own alerts need somewhere to run'],
  ['External backends', 'fails when a prop tunes a bundled backend that is not there', () => new ObservabilityStack(Testing.app(), 'o', {
    external: { logs: { url: 'https://loki.example.com' } }, loki: { retention: '30d' },
  }), 'loki is set, but logs go to external.logs (so there is no such workload to tune); remove loki'],
  ['External backends', 'fails when an external backend\'s URL is not an http(s) URL', () => new ObservabilityStack(Testing.app(), 'o', {
    external: { traces: { otlpGrpcEndpoint: 'tempo.example.com:443', queryUrl: 'tempo.example.com' } },
  }), 'queryUrl must be an http(s) URL (got "tempo.example.com"); use one such as "https://tempo.example.com"'],
  ['Compose', 'fails when the Compose stack is given a component that needs the Kubernetes API', () => {
    const app = Testing.app();
    const s = new ObservabilityStack(app, 'o', { ...ns, platform: 'compose' });
    new DiscoveryKubernetes(s.alloy.config, 'pods', { role: 'pod' });
    app.synthYaml();
  }, 'o/alloy/config/pods (discovery.kubernetes.pods): discovery.kubernetes reads the Kubernetes API (pods), which a stack built for Docker Compose does not have (platform "compose"); add it to the stack built for Kubernetes only'],
  ['Compose', 'fails when two entry points would publish one port on 127.0.0.1', () => composeProject({
    stack: new ObservabilityStack(Testing.app(), 'o', { ...ns, platform: 'compose', alloy: { extraPorts: [{ name: 'ui', port: 3000 }] } }),
    kubernetes: new ObservabilityStack(Testing.app(), 'o', ns), environment: 'dev',
  }), 'alloy and grafana would both publish port 3000 on 127.0.0.1 (got 2 entry points of the stack among them); give one of them another port'],
  ['Compose', 'fails when two environments ask for the Compose folder', () => {
    const envs = new Environments('/nonexistent-never-written');
    envs.add('dev', ns, { compose: true });
    envs.add('prod', ns, { compose: true });
  }, 'environments: "dev" and "prod" both ask for /nonexistent-never-written/compose/ (got compose: true twice); give compose to one environment'],
  ['Alerting', 'fails when no receiver is named default', () => new Alertmanager(chart(), 'am', { ...ns, receivers: [{ name: 'x' }] }), 'no receiver named "default" (got x); add one for alerts that no route matches'],
  ['Alerting', 'fails when a route sends to a missing receiver', () => new Alertmanager(chart(), 'am', { ...ns, routes: [{ matchers: ['a="b"'], receiver: 'nobody' }] }), 'a route sends to receiver "nobody", which does not exist; use one of default'],
];


/** docs/bad-input.md: every case with the message it gets. */
export function badInputDoc(): string {
  const rows = CATALOGUE.map(([area, name, run]) => {
    let message = '(no error)';
    try {
      run();
    } catch (e) {
      message = (e as Error).message.replace(/^Validation failed with the following errors:\s*\[[^\]]+\]\s*/, '').split('\n')[0];
    }
    return `| ${area} | ${name} | ${message.replace(/\|/g, '\\|')} |`;
  });
  return `# Bad input: what a wrong input gets

Every mistake a user can make with the public API ends in an error that names the construct
path (and the Alloy component, where there is one), says what is wrong, shows the value received
and says how to fix it. Nothing is silently dropped or rewritten. Errors found while building
constructs are thrown at once; those that need the whole app (references, cycles, ports, storage
paths) fail \`cdk8s synth\`.

This table is the catalogue that \`__tests__/bad-input.test.ts\` runs (${CATALOGUE.length} cases);
\`npm run docs:bad-input\` rewrites it. More \`fails when ...\` tests live beside each construct's tests.

| area | case | message |
| --- | --- | --- |
${rows.join('\n')}
`;
}
