/**
 * Instrument a workload in one call: its containers send OTLP to the stack's gateway, with
 * the pod's identity from the downward API; the connection is recorded, so the stack's
 * NetworkPolicies admit it; optionally its pods are scraped by annotation autodiscovery.
 *
 * For cdk8s-plus-28 workloads (Deployment, StatefulSet, DaemonSet, Job, CronJob), and for the
 * L1 objects of `cdk8s import k8s` (KubeDeployment, KubeStatefulSet, KubeDaemonSet, KubeJob,
 * KubeCronJob, KubePod). What is set, checked and recorded is decided once, here; two small
 * adapters read and write each kind of workload. cdk8s-plus-28 is an optional peer
 * dependency: it is loaded only when a cdk8s-plus workload is instrumented, so the rest of the
 * library, L1 objects included, works without it.
 */
import { ApiObject, JsonPatch } from 'cdk8s';
import type * as plus from 'cdk8s-plus-28';
import type { KubeCronJob, KubeDaemonSet, KubeDeployment, KubeJob, KubePod, KubeStatefulSet } from '../../imports/k8s';
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

/**
 * A workload of the Kubernetes API as `cdk8s import k8s` generates it (imports/k8s), to
 * instrument without cdk8s-plus. TypeScript compares classes by their shape, and every
 * generated class has the shape of a cdk8s `ApiObject`, so the kind is checked when
 * `instrument` runs: another kind fails there.
 */
export type KubeWorkload = KubeDeployment | KubeStatefulSet | KubeDaemonSet | KubeJob | KubeCronJob | KubePod;

/** The pod's identity, from the downward API, set before the variables that use it. */
const IDENTITY: ReadonlyArray<[string, string]> = [
  ['K8S_POD_NAME', 'metadata.name'],
  ['K8S_POD_UID', 'metadata.uid'],
  ['K8S_NAMESPACE', 'metadata.namespace'],
  ['K8S_NODE_NAME', 'spec.nodeName'],
];

/** One variable instrument sets: a value, or a field of the pod (downward API). */
interface OtlpVariable {
  readonly name: string;
  readonly value?: string;
  readonly fieldPath?: string;
}

/** The variables of one container, in order: those used in `$(...)` come first, as Kubernetes expands only those defined before. */
function otlpVariables(container: string, serviceName: string, endpoint: string, protocol: string): OtlpVariable[] {
  return [
    ...IDENTITY.map(([name, fieldPath]) => ({ name, fieldPath })),
    { name: 'OTEL_SERVICE_NAME', value: serviceName },
    { name: 'OTEL_EXPORTER_OTLP_ENDPOINT', value: endpoint },
    { name: 'OTEL_EXPORTER_OTLP_PROTOCOL', value: protocol },
    {
      name: 'OTEL_RESOURCE_ATTRIBUTES',
      value: [
        'k8s.pod.name=$(K8S_POD_NAME)',
        'k8s.pod.uid=$(K8S_POD_UID)',
        'k8s.namespace.name=$(K8S_NAMESPACE)',
        'k8s.node.name=$(K8S_NODE_NAME)',
        `k8s.container.name=${container}`,
        `service.instance.id=$(K8S_NAMESPACE).$(K8S_POD_NAME).${container}`,
      ].join(','),
    },
  ];
}

/**
 * A workload as instrument sees it, whichever API made it: what it reads before changing
 * anything, and the three changes it makes.
 */
interface Instrumentable {
  /** metadata.name */
  readonly name: string;
  readonly namespace?: string;
  /** Each container's name and the variables it sets: their values, undefined for one from a reference. */
  readonly containers: ReadonlyArray<{ readonly name: string; readonly env: Readonly<Record<string, string | undefined>> }>;
  /** Labels that select its pods. */
  readonly selector: () => Readonly<Record<string, string>>;
  /** Appends `variables` to the environment of the container at `index`. */
  setEnv(index: number, variables: readonly OtlpVariable[]): void;
  /** Adds annotations to its pods (the pod template's metadata). */
  annotate(annotations: Readonly<Record<string, string>>): void;
}

/** The workloads instrumented so far. */
const INSTRUMENTED = new WeakSet<object>();

/**
 * Points every container of `workload` at the gateway: `OTEL_EXPORTER_OTLP_ENDPOINT` (the
 * gateway's Service, `http://<name>.<namespace>.svc:<port>`), `OTEL_EXPORTER_OTLP_PROTOCOL`,
 * `OTEL_SERVICE_NAME` and `OTEL_RESOURCE_ATTRIBUTES` with the pod's name, uid, namespace and
 * node (downward API, as `K8S_POD_NAME`, `K8S_POD_UID`, `K8S_NAMESPACE`, `K8S_NODE_NAME`), the
 * container's name and `service.instance.id` `<namespace>.<pod>.<container>`. Records the
 * connection: the gateway's NetworkPolicy admits the workload's pods on that port, and in a
 * namespace the stack's policies deny by default the workload gets a policy letting it out.
 *
 * `workload` is a cdk8s-plus-28 workload, or an L1 object of imports/k8s (`KubeWorkload`):
 * that one is read as it renders when `instrument` runs (`toJson()`, its JSON patches
 * included) and changed by JSON patches; its pods are those its `spec.selector.matchLabels`
 * select (a Deployment, StatefulSet or DaemonSet) or those with its pod template's labels (a
 * Job, a CronJob, a Pod's own labels).
 *
 * Containers added after the call are not instrumented. It fails on a workload instrumented
 * before, or a container that already sets one of these variables: nothing is overwritten.
 */
export function instrument(workload: plus.Workload | KubeWorkload, options: InstrumentOptions): void {
  const subject = workload.node.path;
  const gateway = options.gateway;
  if (INSTRUMENTED.has(workload)) {
    throw new Error(`${subject}: instrumented twice (got a second instrument call); instrument a workload once, with every option in one call`);
  }
  const target = ApiObject.isApiObject(workload) ? kubeWorkload(workload, subject) : plusWorkload(workload);
  if (!gateway.receivesOtlp) {
    throw new Error(`${subject}: the gateway does not receive OTLP (got ${gateway.name}, made with otlp: false); pass the stack's gateway, stack.alloy`);
  }
  const protocol = options.protocol ?? 'grpc';
  if (protocol !== 'grpc' && protocol !== 'http/protobuf') {
    throw new Error(`${subject}: protocol is not an OTLP exporter protocol (got ${JSON.stringify(protocol)}); use "grpc" or "http/protobuf"`);
  }
  const serviceName = options.serviceName ?? target.name;
  if (serviceName.trim() === '') {
    throw new Error(`${subject}: serviceName is empty (got ${JSON.stringify(serviceName)}); give the service a name, or leave it unset for the workload's`);
  }
  const namespace = target.namespace;
  if (namespace === undefined) {
    throw new Error(`${subject}: the workload has no namespace (got none); set its chart's namespace or metadata.namespace: the gateway admits it by namespace`);
  }
  const containers = target.containers;
  if (containers.length === 0) {
    throw new Error(`${subject}: the workload has no container (got 0); add its containers before instrumenting it`);
  }
  const port = protocol === 'grpc' ? gateway.otlpGrpcPort : gateway.otlpHttpPort;
  const endpoint = `http://${gateway.workload.host}.${gateway.namespaceName}.svc:${port}`;
  const variables = containers.map((c) => otlpVariables(c.name, serviceName, endpoint, protocol));
  containers.forEach((c, i) => {
    const ours = variables[i].map((v) => v.name);
    const set = Object.keys(c.env).filter((n) => n.startsWith('OTEL_') || ours.includes(n));
    if (set.length > 0) {
      throw new Error(
        `${subject}: container "${c.name}" already sets ${set.join(', ')} (got ${set.map((n) => `${n}=${JSON.stringify(c.env[n] ?? '<from a reference>')}`).join(', ')}); ` +
        'remove them to instrument it, or set the OTLP environment yourself without instrument',
      );
    }
  });
  if (options.scrape !== undefined) {
    assertPort(subject, 'scrape.port', options.scrape.port);
    if (options.scrape.path !== undefined && !options.scrape.path.startsWith('/')) {
      throw new Error(`${subject}: scrape.path must start with "/" (got ${JSON.stringify(options.scrape.path)}); such as "/metrics"`);
    }
  }
  INSTRUMENTED.add(workload);

  variables.forEach((v, i) => target.setEnv(i, v));
  if (options.scrape !== undefined) {
    const prefix = options.scrape.autodiscovery?.annotationPrefix ?? 'prometheus.io';
    target.annotate({
      [`${prefix}/scrape`]: 'true',
      [`${prefix}/port`]: String(options.scrape.port),
      ...(options.scrape.path !== undefined ? { [`${prefix}/path`]: options.scrape.path } : {}),
    });
  }

  const peer: Peer = { name: target.name, namespace, get selector() { return target.selector(); } };
  Connections.of(workload).allow(peer, gateway.workload.peer, port);
  for (const policies of workload.node.root.node.findAll()) {
    if (policies instanceof StackNetworkPolicies && policies.governs(namespace)) policies.addClient(peer);
  }
}

/** The label every pod of a cdk8s-plus workload carries (cdk8s-plus `Pod.ADDRESS_LABEL`). */
const ADDRESS_LABEL = 'cdk8s.io/metadata.addr';

/** A cdk8s-plus-28 workload, changed through its own API. */
function plusWorkload(workload: plus.Workload): Instrumentable {
  // loaded here, so that the library loads without the optional peer dependency
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { EnvValue } = require('cdk8s-plus-28') as typeof plus;
  return {
    name: workload.name,
    namespace: workload.metadata.namespace,
    containers: workload.containers.map((c) => ({
      name: c.name,
      env: Object.fromEntries(Object.entries(c.env.variables).map(([n, v]) => [n, v.value])),
    })),
    // its pods, by the labels the workload selects them with (a Job's and a CronJob's select
    // none: the label cdk8s-plus puts on every pod)
    selector: () => {
      const labels = workload.matchLabels;
      return Object.keys(labels).length > 0 ? labels : { [ADDRESS_LABEL]: workload.podMetadata.getLabel(ADDRESS_LABEL)! };
    },
    setEnv: (index, variables) => {
      for (const v of variables) {
        workload.containers[index].env.addVariable(v.name, v.fieldPath !== undefined ? EnvValue.fromFieldRef(v.fieldPath as plus.EnvFieldPaths) : EnvValue.fromValue(v.value!));
      }
    },
    annotate: (annotations) => {
      for (const [k, v] of Object.entries(annotations)) workload.podMetadata.addAnnotation(k, v);
    },
  };
}

/**
 * Where each kind of L1 object keeps its pod template, and whether it selects its pods by
 * `spec.selector.matchLabels` (otherwise by the template's labels).
 */
const KUBE_KINDS: Readonly<Record<string, { readonly apiVersion: string; readonly template: readonly string[]; readonly selects: boolean }>> = {
  Deployment: { apiVersion: 'apps/v1', template: ['spec', 'template'], selects: true },
  StatefulSet: { apiVersion: 'apps/v1', template: ['spec', 'template'], selects: true },
  DaemonSet: { apiVersion: 'apps/v1', template: ['spec', 'template'], selects: true },
  Job: { apiVersion: 'batch/v1', template: ['spec', 'template'], selects: false },
  CronJob: { apiVersion: 'batch/v1', template: ['spec', 'jobTemplate', 'spec', 'template'], selects: false },
  Pod: { apiVersion: 'v1', template: [], selects: false },
};

/** A JSON pointer (RFC 6901) to `path`. */
const pointer = (path: readonly string[]): string => path.map((p) => `/${p.replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');

/**
 * An L1 object of imports/k8s, read as it renders now (`toJson()`) and changed by JSON
 * patches, applied after everything set before the call.
 */
function kubeWorkload(obj: ApiObject, subject: string): Instrumentable {
  const kind = KUBE_KINDS[obj.kind];
  if (kind === undefined || kind.apiVersion !== obj.apiVersion) {
    throw new Error(
      `${subject}: not a workload instrument knows (got ${obj.apiVersion} ${obj.kind}); ` +
      'pass a Deployment, StatefulSet, DaemonSet, Job, CronJob or Pod, of imports/k8s or cdk8s-plus-28',
    );
  }
  const json = obj.toJson();
  const template = kind.template.reduce((o, k) => o?.[k], json) ?? {};
  const containers: Array<{ name: string; env?: Array<{ name: string; value?: string }> }> = template.spec?.containers ?? [];
  const selectedBy = kind.selects ? ['spec', 'selector', 'matchLabels'] : [...kind.template, 'metadata', 'labels'];
  const selector: Record<string, string> = selectedBy.reduce((o, k) => o?.[k], json) ?? {};
  if (Object.keys(selector).length === 0) {
    const where = selectedBy.join('.');
    throw new Error(`${subject}: the ${obj.kind}'s pods have no labels to select them by (got no ${where}); set ${where}: the gateway's NetworkPolicy admits its pods by them`);
  }
  const at = (...path: string[]) => pointer([...kind.template, ...path]);
  const envVar = (v: OtlpVariable) => (v.fieldPath !== undefined ? { name: v.name, valueFrom: { fieldRef: { fieldPath: v.fieldPath } } } : { name: v.name, value: v.value });
  return {
    name: obj.name,
    namespace: obj.metadata.namespace,
    containers: containers.map((c) => ({ name: c.name, env: Object.fromEntries((c.env ?? []).map((e) => [e.name, e.value])) })),
    selector: () => selector,
    setEnv: (index, variables) => {
      const env = at('spec', 'containers', String(index), 'env');
      if (containers[index].env === undefined) {
        obj.addJsonPatch(JsonPatch.add(env, variables.map(envVar)));
      } else {
        for (const v of variables) obj.addJsonPatch(JsonPatch.add(`${env}/-`, envVar(v)));
      }
    },
    annotate: (annotations) => {
      if (kind.template.length === 0) {
        // a Pod's own metadata, which stays open to addAnnotation after the call
        for (const [k, v] of Object.entries(annotations)) obj.metadata.addAnnotation(k, v);
      } else if (template.metadata === undefined) {
        obj.addJsonPatch(JsonPatch.add(at('metadata'), { annotations }));
      } else if (template.metadata.annotations === undefined) {
        obj.addJsonPatch(JsonPatch.add(at('metadata', 'annotations'), annotations));
      } else {
        for (const [k, v] of Object.entries(annotations)) obj.addJsonPatch(JsonPatch.add(at('metadata', 'annotations', k), v));
      }
    },
  };
}
