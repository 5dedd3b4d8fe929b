/**
 * Instrument a workload in one call: its containers send OTLP to the stack's gateway, with
 * the pod's identity from the downward API; the connection is recorded, so the stack's
 * NetworkPolicies admit it; optionally its pods are scraped by annotation autodiscovery.
 *
 * For cdk8s-plus-28 workloads (Deployment, StatefulSet, DaemonSet, Job, CronJob).
 * cdk8s-plus-28 is an optional peer dependency: it is loaded only when `instrument` runs,
 * so the rest of the library works without it.
 */
import type * as plus from 'cdk8s-plus-28';
import { AnnotationAutodiscovery } from '../pipelines/annotation-autodiscovery';
import { assertPort } from '../validation';
import { Alloy } from './alloy';
import { Connections, Peer } from './connections';
import { StackNetworkPolicies } from './network-policies';

export interface InstrumentOptions {
  /** The collector the workload sends OTLP to: the stack's gateway, `stack.alloy`. */
  readonly gateway: Alloy;
  /** `OTEL_SERVICE_NAME`. @default - the workload's name (metadata.name) */
  readonly serviceName?: string;
  /**
   * `OTEL_EXPORTER_OTLP_PROTOCOL`, and so the gateway's port: its OTLP gRPC port (4317) or
   * its OTLP HTTP port (4318).
   *
   * @default "grpc"
   */
  readonly protocol?: 'grpc' | 'http/protobuf';
  /**
   * Have the pods scraped by annotation autodiscovery: `<prefix>/scrape: "true"`,
   * `<prefix>/port` and `<prefix>/path` on the pod template, with the prefix of
   * `autodiscovery` (the stack's `annotationAutodiscovery`).
   *
   * @default - not scraped
   */
  readonly scrape?: {
    /** The container port of the metrics. */
    readonly port: number;
    /** @default - omitted; the scraper reads /metrics */
    readonly path?: string;
    /** @default - its default prefix, "prometheus.io" */
    readonly autodiscovery?: AnnotationAutodiscovery;
  };
}

/** The pod's identity, from the downward API, set before the variables that use it. */
const IDENTITY: ReadonlyArray<[string, string]> = [
  ['K8S_POD_NAME', 'metadata.name'],
  ['K8S_POD_UID', 'metadata.uid'],
  ['K8S_NAMESPACE', 'metadata.namespace'],
  ['K8S_NODE_NAME', 'spec.nodeName'],
];

/** The workloads instrumented so far. */
const INSTRUMENTED = new WeakSet<object>();

/** The label every pod of a cdk8s-plus workload carries (cdk8s-plus `Pod.ADDRESS_LABEL`). */
const ADDRESS_LABEL = 'cdk8s.io/metadata.addr';

/**
 * Points every container of `workload` at the gateway: `OTEL_EXPORTER_OTLP_ENDPOINT` (the
 * gateway's Service, `http://<name>.<namespace>.svc:<port>`), `OTEL_EXPORTER_OTLP_PROTOCOL`,
 * `OTEL_SERVICE_NAME` and `OTEL_RESOURCE_ATTRIBUTES` with the pod's name, uid, namespace and
 * node (downward API, as `K8S_POD_NAME`, `K8S_POD_UID`, `K8S_NAMESPACE`, `K8S_NODE_NAME`), the
 * container's name and `service.instance.id` `<namespace>.<pod>.<container>`. Records the
 * connection: the gateway's NetworkPolicy admits the workload's pods on that port, and in a
 * namespace the stack's policies deny by default the workload gets a policy letting it out.
 *
 * Containers added after the call are not instrumented. It fails on a workload instrumented
 * before, or a container that already sets one of these variables: nothing is overwritten.
 */
export function instrument(workload: plus.Workload, options: InstrumentOptions): void {
  const subject = workload.node.path;
  const gateway = options.gateway;
  if (INSTRUMENTED.has(workload)) {
    throw new Error(`${subject}: instrumented twice (got a second instrument call); instrument a workload once, with every option in one call`);
  }
  if (!gateway.receivesOtlp) {
    throw new Error(`${subject}: the gateway does not receive OTLP (got ${gateway.name}, made with otlp: false); pass the stack's gateway, stack.alloy`);
  }
  const protocol = options.protocol ?? 'grpc';
  if (protocol !== 'grpc' && protocol !== 'http/protobuf') {
    throw new Error(`${subject}: protocol is not an OTLP exporter protocol (got ${JSON.stringify(protocol)}); use "grpc" or "http/protobuf"`);
  }
  const serviceName = options.serviceName ?? workload.name;
  if (serviceName.trim() === '') {
    throw new Error(`${subject}: serviceName is empty (got ${JSON.stringify(serviceName)}); give the service a name, or leave it unset for the workload's`);
  }
  const namespace = workload.metadata.namespace;
  if (namespace === undefined) {
    throw new Error(`${subject}: the workload has no namespace (got none); set its chart's namespace or metadata.namespace: the gateway admits it by namespace`);
  }
  const containers = workload.containers;
  if (containers.length === 0) {
    throw new Error(`${subject}: the workload has no container (got 0); add its containers before instrumenting it`);
  }
  const ours = [...IDENTITY.map(([n]) => n), 'OTEL_SERVICE_NAME', 'OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_EXPORTER_OTLP_PROTOCOL', 'OTEL_RESOURCE_ATTRIBUTES'];
  for (const c of containers) {
    const set = Object.keys(c.env.variables).filter((n) => n.startsWith('OTEL_') || ours.includes(n));
    if (set.length > 0) {
      throw new Error(
        `${subject}: container "${c.name}" already sets ${set.join(', ')} (got ${set.map((n) => `${n}=${JSON.stringify(c.env.variables[n].value ?? '<from a reference>')}`).join(', ')}); ` +
        'remove them to instrument it, or set the OTLP environment yourself without instrument',
      );
    }
  }
  if (options.scrape !== undefined) {
    assertPort(subject, 'scrape.port', options.scrape.port);
    if (options.scrape.path !== undefined && !options.scrape.path.startsWith('/')) {
      throw new Error(`${subject}: scrape.path must start with "/" (got ${JSON.stringify(options.scrape.path)}); such as "/metrics"`);
    }
  }
  INSTRUMENTED.add(workload);

  // loaded here, so that the library loads without the optional peer dependency
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { EnvValue } = require('cdk8s-plus-28') as typeof plus;
  const port = protocol === 'grpc' ? gateway.otlpGrpcPort : gateway.otlpHttpPort;
  const endpoint = `http://${gateway.workload.host}.${gateway.namespaceName}.svc:${port}`;
  for (const c of containers) {
    for (const [name, path] of IDENTITY) c.env.addVariable(name, EnvValue.fromFieldRef(path as plus.EnvFieldPaths));
    c.env.addVariable('OTEL_SERVICE_NAME', EnvValue.fromValue(serviceName));
    c.env.addVariable('OTEL_EXPORTER_OTLP_ENDPOINT', EnvValue.fromValue(endpoint));
    c.env.addVariable('OTEL_EXPORTER_OTLP_PROTOCOL', EnvValue.fromValue(protocol));
    c.env.addVariable('OTEL_RESOURCE_ATTRIBUTES', EnvValue.fromValue([
      'k8s.pod.name=$(K8S_POD_NAME)',
      'k8s.pod.uid=$(K8S_POD_UID)',
      'k8s.namespace.name=$(K8S_NAMESPACE)',
      'k8s.node.name=$(K8S_NODE_NAME)',
      `k8s.container.name=${c.name}`,
      `service.instance.id=$(K8S_NAMESPACE).$(K8S_POD_NAME).${c.name}`,
    ].join(',')));
  }

  if (options.scrape !== undefined) {
    const prefix = options.scrape.autodiscovery?.annotationPrefix ?? 'prometheus.io';
    workload.podMetadata.addAnnotation(`${prefix}/scrape`, 'true');
    workload.podMetadata.addAnnotation(`${prefix}/port`, String(options.scrape.port));
    if (options.scrape.path !== undefined) workload.podMetadata.addAnnotation(`${prefix}/path`, options.scrape.path);
  }

  // its pods, by the labels the workload selects them with (a Job's and a CronJob's select
  // none: the label cdk8s-plus puts on every pod)
  const peer: Peer = {
    name: workload.name,
    namespace,
    get selector() {
      const labels = workload.matchLabels;
      return Object.keys(labels).length > 0 ? labels : { [ADDRESS_LABEL]: workload.podMetadata.getLabel(ADDRESS_LABEL)! };
    },
  };
  Connections.of(workload).allow(peer, gateway.workload.peer, port);
  for (const policies of workload.node.root.node.findAll()) {
    if (policies instanceof StackNetworkPolicies && policies.governs(namespace)) policies.addClient(peer);
  }
}
