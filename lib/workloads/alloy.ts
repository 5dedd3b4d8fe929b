/**
 * The Alloy collector: a StatefulSet of two or more replicas, each keeping its state (the
 * remote-write WAL, the on-disk sending queues) on its own PersistentVolumeClaim at
 * `--storage.path`; its config.alloy in a ConfigMap; a Service for OTLP and Alloy's HTTP
 * server; a headless Service for clustering; a PodDisruptionBudget; a ServiceAccount.
 *
 * At synth it checks that the pieces fit: storage paths lie on the volume, receiver ports are
 * exposed, clustering has its headless Service, the memory limiter fits the container.
 */
import { posix } from 'path';
import { Lazy } from 'cdk8s';
import { Construct } from 'constructs';
// generated components by file, so that loading the library loads only those it uses
import { LoggingBlock, LoggingBlockProps } from '../../imports/alloy/components/logging-block';
import { LokiProcess } from '../../imports/alloy/components/loki-process';
import { IntOrString, Quantity, KubeClusterRole, KubeClusterRoleBinding, KubeRole, KubeRoleBinding, KubeService, KubeServiceAccount } from '../../imports/k8s';
import { accessRulesOf, mergeRules } from './alloy-access';
import { ConfigNeeds, configNeeds } from './alloy-components';
import { AlloyConfig, Expr, StabilityLevel, Statement, permits } from '../alloy';
import { AccessRule, DurableQueue, DurableQueueProps, ILogsDestination } from '../pipelines';
import { assertDnsLabel, assertHostPath, assertPort, assertWholeNumber, firstDuplicate, parseSize, quantityText } from '../validation';
import { DEFAULT_INSTANCE, WorkloadProps } from './common-props';
import { ServerPort, ServerWorkload, workloadLabels } from './server-workload';
import { Connections } from './connections';
import { IMAGES } from './versions';
import ALLOY_METRICS_JSON from '../../imports/alloy/metrics.json';

/** Metric names per Alloy component (and `_engine`). */
const ALLOY_METRICS = ALLOY_METRICS_JSON as unknown as Record<string, readonly string[]> & { readonly _engine: readonly string[] };

/** How the collector's pods are run. */
export type AlloyController = 'StatefulSet' | 'DaemonSet';

export interface AlloyProps extends WorkloadProps {
  /**
   * The collector's name: of its StatefulSet or DaemonSet, Service, ServiceAccount and
   * ConfigMap (`<name>-config`), its clustering Service (`<name>-cluster`) and RBAC. Several
   * collectors in one namespace need names of their own.
   *
   * @default "alloy"
   */
  readonly name?: string;
  /**
   * `StatefulSet`: replicas with a PersistentVolumeClaim each (queues and WAL survive
   * restarts), clustering possible. `DaemonSet`: one pod per node for node-local data (log
   * files), its state on an emptyDir of `storageSize`, no clustering.
   *
   * @default "StatefulSet"
   */
  readonly controller?: AlloyController;
  /**
   * Expose the OTLP ports (container and Service). Collectors that only scrape or tail
   * do not listen for OTLP.
   *
   * @default true
   */
  readonly otlp?: boolean;
  /**
   * Directories of the node mounted read-only at the same path (hostPath), for components
   * that read node files (`NodeLogs` needs `/var/log/pods`). Only with `controller: "DaemonSet"`.
   * This is an exception to the restricted Pod Security profile: hostPath volumes, and the
   * container runs as root (with every capability dropped) because the kubelet writes pod
   * logs readable by root only. Its namespace must allow the privileged level.
   *
   * @default - none
   */
  readonly hostPaths?: readonly string[];
  /**
   * Alloy's own logs (the `logging` block). Written out in full even where it matches
   * Alloy's defaults, so the level and format the product promises (info, logfmt) do not
   * move with Alloy releases.
   *
   * @default - level "info", format "logfmt"
   */
  readonly logging?: LoggingBlockProps;
  /**
   * Pin `--stability.level`. It may be lower than the config needs (to allow experimental
   * components you add later by hand), never higher: Alloy would refuse the config.
   *
   * @default - the least stable level the config uses
   */
  readonly stabilityLevel?: StabilityLevel;
  /**
   * Where Alloy's own logs go (the `logging` block's `write_to`), besides stderr, labelled
   * with the collector (`app`, `job` `<namespace>/<name>`, `namespace`, `pod`, `container`).
   * Best effort: Alloy hands each line to `write_to` without waiting and drops it when the
   * receiver is busy (alloy internal/runtime/logging/logger.go). Where a pod-logs pipeline
   * reads the collector's pods (as in ObservabilityStack), leave it unset: their stderr
   * arrives there labelled and through the disk queue, and would otherwise arrive twice.
   *
   * @default - stderr only
   */
  readonly selfLogs?: ILogsDestination;
  /** OTLP gRPC port of the container and the Service. @default 4317 */
  readonly otlpGrpcPort?: number;
  /** OTLP HTTP port of the container and the Service. @default 4318 */
  readonly otlpHttpPort?: number;
  /** More ports for receivers you add (container and Service). @default - none */
  readonly extraPorts?: readonly ServerPort[];
  /** Replicas behind the OTLP Service (StatefulSet only). @default 2 */
  readonly replicas?: number;
  /** Size of each replica's volume at `--storage.path`. @default "10Gi" */
  readonly storageSize?: string;
  /** @default - the cluster's default StorageClass */
  readonly storageClassName?: string;
  /**
   * Byte budgets of the on-disk queues (one per exporter), the WAL keepalive, fsync and the
   * ingest rate the outage budget is stated for. The queues the config uses must leave a
   * fifth of the volume free.
   *
   * @default - traces 3Gi, OTLP metrics 2Gi, logs 3Gi, metrics WAL 3h, no fsync
   */
  readonly durability?: Omit<DurableQueueProps, 'directory'>;
  /**
   * Alloy clustering (`--cluster.enabled`, the headless Service `alloy-cluster`), so that
   * components that must not run twice (scraping) share their work between replicas.
   *
   * @default - on when the config has a component with clustering enabled
   */
  readonly clustering?: boolean;
  /** Time to flush queues after SIGTERM. @default 60 */
  readonly terminationGracePeriodSeconds?: number;
}

/** Alloy's HTTP server: UI, /metrics, /-/ready, /-/healthy, /-/reload. */
export const ALLOY_HTTP_PORT = 12345;
const CONFIG_DIR = '/etc/alloy';
const STORAGE = '/var/lib/alloy/data';
const MIB = 2 ** 20;

export class Alloy extends Construct {
  /** The config.alloy of this collector: create components with it as their scope. */
  public readonly config: AlloyConfig;
  /** The `logging` block of the config. */
  public readonly logging: LoggingBlock;
  /** The on-disk queue every destination of this config uses. */
  public readonly durableQueue: DurableQueue;
  public readonly workload: ServerWorkload;
  public readonly serviceAccount: KubeServiceAccount;
  /** The headless Service of clustering, when clustering is on. */
  public readonly clusterService?: KubeService;
  public readonly otlpGrpcPort: number;
  public readonly otlpHttpPort: number;
  /** Whether the collector exposes the OTLP ports. */
  public readonly receivesOtlp: boolean;
  /** The collector's name (see `name`). */
  public readonly name: string;
  public readonly controller: AlloyController;
  /** The namespace the collector runs in. */
  public readonly namespaceName: string;
  /**
   * `<headless Service>:12345`: every pod of the collector, for a scraper that resolves
   * the Service's A records (its `-cluster` Service; a DaemonSet's `-pods` Service).
   */
  public readonly podsMetricsAddress: string;
  /** The headless Service in front of every pod: `<name>-cluster`, or `<name>-pods` for a DaemonSet. */
  public readonly podsService: KubeService;
  /**
   * `podsMetricsAddress` as a client in `namespace` reaches it: the short name in the
   * collector's own namespace, `<service>.<namespace>.svc` from another.
   */
  public podsMetricsAddressFrom(namespace: string): string {
    return namespace === this.namespaceName ? this.podsMetricsAddress : `${this.podsService.name}.${this.namespaceName}.svc:${ALLOY_HTTP_PORT}`;
  }

  /** `alloy:12345`, where Alloy serves its own metrics. */
  public readonly metricsAddress: string;
  /** The container's memory limit, in bytes. */
  public readonly memoryLimitBytes: number;
  /** Each replica's volume at `--storage.path`, in bytes. */
  public readonly storageBytes: number;
  /** `--storage.path`, on the volume. */
  public readonly storagePath = STORAGE;
  private readonly grants: AccessRule[] = [];
  private readonly namespace: string;
  private readonly labels: Record<string, string>;
  private readonly ports: ServerPort[];
  private readonly clusteringProp?: boolean;
  private readonly replicas: number;
  private readonly clusterServiceName: string;
  private readonly hostPaths: readonly string[];
  private readonly storageSize: string;

  public constructor(scope: Construct, id: string, props: AlloyProps) {
    super(scope, id);
    const subject = this.node.path;
    this.otlpGrpcPort = props.otlpGrpcPort ?? 4317;
    this.otlpHttpPort = props.otlpHttpPort ?? 4318;
    assertPort(subject, 'otlpGrpcPort', this.otlpGrpcPort);
    assertPort(subject, 'otlpHttpPort', this.otlpHttpPort);
    this.receivesOtlp = props.otlp ?? true;
    this.controller = props.controller ?? 'StatefulSet';
    if (this.controller !== 'StatefulSet' && this.controller !== 'DaemonSet') {
      throw new Error(`${subject}: controller must be "StatefulSet" or "DaemonSet" (got ${JSON.stringify(this.controller)})`);
    }
    const daemonSet = this.controller === 'DaemonSet';
    if (daemonSet && (props.replicas !== undefined || props.clustering === true || props.storageClassName !== undefined)) {
      throw new Error(
        `${subject}: a DaemonSet collector runs one pod per node, without clustering or a claim (got ` +
        `${[props.replicas !== undefined && `replicas ${props.replicas}`, props.clustering === true && 'clustering: true', props.storageClassName !== undefined && 'storageClassName'].filter(Boolean).join(', ')}); ` +
        'drop those props, or use controller: "StatefulSet"',
      );
    }
    this.hostPaths = [...(props.hostPaths ?? [])];
    this.hostPaths.forEach((hp) => assertHostPath(subject, 'hostPaths', hp));
    if (this.hostPaths.length > 0 && !daemonSet) {
      throw new Error(`${subject}: hostPaths (got ${this.hostPaths.join(', ')}) read one node's files, so they need controller: "DaemonSet"`);
    }
    this.ports = [
      ...(this.receivesOtlp ? [
        { name: 'otlp-grpc', port: this.otlpGrpcPort, appProtocol: 'grpc' },
        { name: 'otlp-http', port: this.otlpHttpPort, appProtocol: 'http' },
      ] : []),
      { name: 'http-metrics', port: ALLOY_HTTP_PORT, appProtocol: 'http' },
      ...(props.extraPorts ?? []),
    ];
    const numbers = this.ports.map((p) => p.port);
    const twice = firstDuplicate(numbers);
    if (twice !== undefined) {
      throw new Error(`${subject}: two ports are the same (got ${twice} twice among ${numbers.join(', ')}); give each its own port`);
    }
    const replicas = daemonSet ? 1 : props.replicas ?? 2;
    assertWholeNumber(subject, 'replicas', replicas, 1);
    this.replicas = replicas;
    const grace = props.terminationGracePeriodSeconds ?? 60;
    assertWholeNumber(subject, 'terminationGracePeriodSeconds', grace, 1);
    this.clusteringProp = props.clustering;

    const name = props.name ?? 'alloy';
    assertDnsLabel(subject, 'name', name);
    this.name = name;
    this.clusterServiceName = `${name}-cluster`;
    const instance = props.instance ?? DEFAULT_INSTANCE;
    const image = props.image ?? IMAGES.alloy;
    const resources = props.resources ?? { requests: { cpu: '250m', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } };
    this.memoryLimitBytes = parseSize(subject, 'memory limit', resources.limits.memory, 'kubernetes');
    const storageSize = props.storageSize ?? '10Gi';
    const storageBytes = parseSize(subject, 'storageSize', storageSize, 'kubernetes');
    this.storageBytes = storageBytes;

    this.config = new AlloyConfig(this, 'config');
    this.durableQueue = new DurableQueue(this.config, 'durable_queue', { directory: `${STORAGE}/otelcol-queue`, ...props.durability });
    this.storageSize = storageSize;
    const selfLogs = props.selfLogs && new LokiProcess(this.config, 'self_logs', {
      label: 'self_logs',
      stages: [{
        staticLabels: {
          values: { app: name, container: 'alloy', job: `${props.namespace}/${name}`, namespace: props.namespace, pod: Expr.call('sys.env', 'POD_NAME') },
        },
      }],
      forwardTo: [props.selfLogs.selfLogsReceiver?.(this.config) ?? props.selfLogs.logsReceiver(this.config)],
    });
    this.logging = new LoggingBlock(this.config, 'logging', {
      level: 'info',
      format: 'logfmt',
      ...(selfLogs ? { writeTo: [selfLogs.receiver] } : {}),
      ...props.logging,
    });
    const pinned = props.stabilityLevel;
    this.node.addValidation({ validate: () => [...this.crossChecks(pinned), ...this.materializeAccess()] });

    this.namespace = props.namespace;
    this.namespaceName = props.namespace;
    this.labels = workloadLabels({ name, instance, component: 'collector', image });
    this.serviceAccount = new KubeServiceAccount(this, 'service-account', {
      metadata: { name, namespace: props.namespace, labels: this.labels },
      automountServiceAccountToken: false,
    });

    this.workload = new ServerWorkload(this, 'server', {
      namespace: props.namespace,
      name,
      instance,
      component: 'collector',
      image,
      // produced at synth, when the config's components (and so its stability) are known
      args: Lazy.any({ produce: () => this.args(pinned) }),
      env: Lazy.any({
        produce: () => [
          // a node-local collector picks its own node's pods
          ...(daemonSet ? [{ name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }] : []),
          // the pod label of Alloy's own logs
          ...(props.selfLogs ? [{ name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }] : []),
          // the Go runtime collects harder near 90 % of the limit; the memory limiter refuses data before that
          { name: 'GOMEMLIMIT', value: `${Math.floor((this.memoryLimitBytes * 0.9) / MIB)}MiB` },
          // secrets read by reference: from their Secret into the environment, read with sys.env
          ...[...this.config.secretEnvironment].sort(([a], [b]) => a.localeCompare(b)).map(([variable, ref]) => ({
            name: variable,
            valueFrom: { secretKeyRef: { name: ref.name, key: ref.key } },
          })),
        ],
      }) as never,
      ports: this.ports,
      readiness: { path: '/-/ready', port: 'http-metrics' },
      liveness: { path: '/-/healthy', port: 'http-metrics' },
      runAs: { uid: 473, gid: 473 },
      resources,
      configFiles: {
        mountPath: CONFIG_DIR,
        data: { 'config.alloy': Lazy.any({ produce: () => this.config.renderOnce() }) },
      },
      ...(daemonSet ? {
        controller: { kind: 'DaemonSet' },
        extraVolumes: [
          { volume: { name: 'data', emptyDir: { sizeLimit: Quantity.fromString(storageSize) } }, mount: { name: 'data', mountPath: STORAGE } },
          ...this.hostPaths.map((hp, i) => ({
            volume: { name: `host-${i}`, hostPath: { path: hp, type: 'Directory' } },
            mount: { name: `host-${i}`, mountPath: hp, readOnly: true },
          })),
        ],
        ...(this.hostPaths.length > 0 ? {
          securityException: {
            reason: `hostPath ${this.hostPaths.join(', ')} (read-only), as root with every capability dropped: the node's log files are readable by root only`,
            addCapabilities: [],
          },
        } : {}),
      } : {
        controller: {
          kind: 'StatefulSet',
          serviceName: this.clusterServiceName,
          replicas,
          storage: { mountPath: STORAGE, size: storageSize, storageClassName: props.storageClassName },
          highAvailability: replicas > 1,
        },
      }),
      terminationGracePeriodSeconds: grace,
      serviceAccountName: this.serviceAccount.name,
      // the token is mounted only when a component needs the Kubernetes API
      automountServiceAccountToken: Lazy.any({
        produce: () => {
          const access = this.accessRules();
          return access.cluster.length + access.byNamespace.size > 0;
        },
      }) as unknown as boolean,
      podAnnotations: { 'checksum/config': Lazy.any({ produce: () => this.config.checksum() }) },
    });
    // the StatefulSet's governing Service; it also lets replicas find each other for
    // clustering, and Prometheus find every pod. A DaemonSet gets one for Prometheus only.
    this.podsService = new KubeService(this, 'cluster-service', {
      metadata: { name: daemonSet ? `${name}-pods` : this.clusterServiceName, namespace: props.namespace, labels: this.labels },
      spec: {
        clusterIp: 'None',
        publishNotReadyAddresses: true,
        selector: this.workload.selector,
        ports: [{ name: 'http', port: ALLOY_HTTP_PORT, targetPort: IntOrString.fromString('http-metrics'), protocol: 'TCP', appProtocol: 'http' }],
      },
    });
    if (!daemonSet) this.clusterService = this.podsService;
    this.podsMetricsAddress = `${this.podsService.name}:${ALLOY_HTTP_PORT}`;
    this.metricsAddress = `${this.workload.host}:${ALLOY_HTTP_PORT}`;
    // its receivers are the stack's entry point; its replicas talk to each other (clustering)
    const connections = Connections.of(this);
    connections.allowEntry(this.workload.peer, this.ports.filter((p) => p.name !== 'http-metrics').map((p) => p.port), 'otlp-senders');
    if (!daemonSet) connections.allow(this.workload.peer, this.workload.peer, ALLOY_HTTP_PORT);
  }

  /**
   * The metric names this collector exposes on /metrics: the engine's and those of each
   * component of its config (imports/alloy/metrics.json, from the Alloy v1.18.1 source).
   */
  public exportedMetrics(): string[] {
    const names = new Set<string>(ALLOY_METRICS._engine);
    for (const c of this.config.components) {
      for (const m of ALLOY_METRICS[c.componentName] ?? []) names.add(m);
    }
    return [...names].sort();
  }

  /** The limiter's hard limit for this container: 80 % of its memory limit. */
  public get memoryLimiterMib(): { limit: number; spike: number } {
    const limit = Math.floor((this.memoryLimitBytes * 0.8) / MIB);
    return { limit, spike: Math.floor(limit / 4) };
  }

  /** Whether clustering is on: as set, or because a component of the config asks for it. */
  public get clustering(): boolean {
    if (this.controller === 'DaemonSet') return false;
    return this.clusteringProp ?? this.needs.components.some((n) => n.clustered);
  }

  /** What the components of the config need (alloy-components.ts), read once per component count. */
  private get needs(): ConfigNeeds {
    return configNeeds(this.config, this.namespace);
  }

  /**
   * Grants the collector's ServiceAccount access that its components do not show (such as
   * reading the kubelets' metrics), cluster-wide.
   */
  public grantClusterAccess(rules: readonly AccessRule[]): void {
    this.grants.push(...rules);
  }

  /**
   * What the ServiceAccount may do: read from the components of the config (a
   * `discovery.kubernetes` with role pod needs pods get/list/watch, a `remote.kubernetes.secret`
   * that one Secret's get, ...) plus the grants. Namespaced where the component is limited to
   * namespaces, cluster-wide otherwise.
   */
  public accessRules(): { cluster: AccessRule[]; byNamespace: Map<string, AccessRule[]> } {
    const granted = this.grants.length > 0;
    const scoped = [
      ...this.needs.components.flatMap((n) => accessRulesOf(n.access, granted)),
      ...this.grants.map((rule) => ({ rule, namespace: undefined })),
    ];
    const byNamespace = new Map<string, AccessRule[]>();
    for (const s of scoped.filter((x) => x.namespace !== undefined)) {
      byNamespace.set(s.namespace!, mergeRules([...(byNamespace.get(s.namespace!) ?? []), s.rule]));
    }
    return { cluster: mergeRules(scoped.filter((x) => x.namespace === undefined).map((x) => x.rule)), byNamespace: new Map([...byNamespace].sort()) };
  }

  /**
   * Creates the RBAC objects the components need, once every component exists (at synth): a
   * ClusterRole `<namespace>-alloy` for cluster-wide rules, a Role per namespace otherwise,
   * none at all when nothing needs the API.
   */
  private materializeAccess(): string[] {
    let access: ReturnType<Alloy['accessRules']>;
    try {
      access = this.accessRules();
    } catch (e) {
      return [(e as Error).message];
    }
    const toK8s = (rules: readonly AccessRule[]) => rules.map((r) => ({
      apiGroups: [...r.apiGroups], resources: [...r.resources], verbs: [...r.verbs], ...(r.resourceNames ? { resourceNames: [...r.resourceNames] } : {}),
    }));
    const subjects = [{ kind: 'ServiceAccount', name: this.serviceAccount.name, namespace: this.namespace }];
    if (access.cluster.length > 0 && this.node.tryFindChild('cluster-role') === undefined) {
      const clusterName = `${this.namespace}-${this.name}`;
      new KubeClusterRole(this, 'cluster-role', {
        metadata: { name: clusterName, labels: this.labels },
        rules: Lazy.any({ produce: () => toK8s(this.accessRules().cluster) }),
      });
      new KubeClusterRoleBinding(this, 'cluster-role-binding', {
        metadata: { name: clusterName, labels: this.labels },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: clusterName },
        subjects,
      });
    }
    for (const namespace of access.byNamespace.keys()) {
      if (this.node.tryFindChild(`role-${namespace}`) !== undefined) continue;
      const name = namespace === this.namespace ? this.name : `${this.namespace}-${this.name}`;
      new KubeRole(this, `role-${namespace}`, {
        metadata: { name, namespace, labels: this.labels },
        rules: Lazy.any({ produce: () => toK8s(this.accessRules().byNamespace.get(namespace) ?? []) }),
      });
      new KubeRoleBinding(this, `role-binding-${namespace}`, {
        metadata: { name, namespace, labels: this.labels },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
        subjects,
      });
    }
    return [];
  }

  /** The pieces must fit: stability, storage paths, ports, clustering, memory. */
  private crossChecks(pinned: StabilityLevel | undefined): string[] {
    const problems: string[] = [];
    const path = this.node.path;
    const needed = this.config.stabilityLevel;
    if (pinned !== undefined && !permits(pinned, needed)) {
      problems.push(
        `${path}: stabilityLevel is pinned to "${pinned}" but the config uses ${needed} components ` +
        `(${this.config.components.filter((c) => c.stability === needed).map((c) => c.componentId).join(', ')}); ` +
        `pin "${needed}" or lower, or leave stabilityLevel unset`,
      );
    }
    const queued = this.durableQueue.allocatedBytes;
    if (queued > this.storageBytes * 0.8) {
      problems.push(
        `${path}: the on-disk queues (${this.durableQueue.allocations.map((a) => `${a.exporter} ${quantityText(a.bytes)}`).join(', ')}: ${quantityText(queued)}) ` +
        `take more than 80 % of the ${this.storageSize} volume, leaving no room for the storage engine's overhead and the remote-write WAL; ` +
        'make storageSize larger or the queue sizes smaller',
      );
    }
    const exposed = new Set(this.ports.map((p) => p.port));
    const needs = this.needs;
    for (const n of needs.components) {
      const c = n.component;
      const stmt = n.block;
      for (const { attribute, directory } of n.storage) {
        const normal = posix.normalize(directory);
        if (normal !== STORAGE && !normal.startsWith(`${STORAGE}/`)) {
          problems.push(
            `${n.subject}: ${attribute} ${JSON.stringify(directory)} is not on the collector's volume; ` +
            `put it under ${STORAGE}/ so the queue survives restarts`,
          );
        }
      }
      for (const port of n.listens) {
        if (!exposed.has(port.port)) {
          problems.push(
            `${n.subject}: ${port.where} listens on port ${port.port}, which neither the container nor the Service exposes ` +
            `(they expose ${[...exposed].join(', ')}); add it with extraPorts`,
          );
        }
      }
      if (c.componentName === 'otelcol.processor.memory_limiter') {
        const limit = attributeString(stmt.body, 'limit');
        const goLimitMib = Math.floor((this.memoryLimitBytes * 0.9) / MIB);
        const goLimit = goLimitMib * MIB;
        if (limit !== undefined) {
          const bytes = parseSize(c.node.path, 'limit', limit.replace(/B$/, ''), 'kubernetes');
          if (bytes >= goLimit) {
            problems.push(
              `${c.node.path} (${c.componentId}): limit ${limit} is not below GOMEMLIMIT (${goLimitMib}MiB, 90 % of the container's ${quantityText(this.memoryLimitBytes)}); ` +
              'the pod would be OOM-killed before the limiter refuses data: lower the limit or raise the container\'s memory',
            );
          }
        }
        const pct = stmt.body.find((x) => x.kind === 'attribute' && x.name === 'limit_percentage');
        if (pct?.kind === 'attribute' && typeof pct.value === 'number' && pct.value >= 90) {
          problems.push(
            `${c.node.path} (${c.componentId}): limit_percentage ${pct.value} is not below GOMEMLIMIT's 90 % of the container's memory; use at most 85`,
          );
        }
      }
      const once = n.runOnce;
      if (once?.wholeCluster && this.controller === 'DaemonSet') {
        problems.push(
          `${n.subject}: reads the whole cluster, so a DaemonSet would read it once per node; ` +
          'put it in a StatefulSet collector',
        );
      } else if (once !== undefined && this.replicas > 1 && !n.clustered) {
        problems.push(
          `${n.subject}: ${this.replicas} replicas would each ${once.twice}; ` +
          'add clustering: { enabled: true } so they share them, or run one replica',
        );
      }
    }
    for (const [hostPath, by] of needs.hostPaths) {
      if (!this.hostPaths.some((hp) => hostPath === hp || hostPath.startsWith(`${hp}/`))) {
        problems.push(
          `${by}: reads ${hostPath} on the node, but the collector ${path} ${this.controller === 'DaemonSet' ? `mounts ${this.hostPaths.length === 0 ? 'no host path' : this.hostPaths.join(', ')}` : 'is a StatefulSet'}; ` +
          `create it with controller: "DaemonSet" and hostPaths: ["${hostPath}"]`,
        );
      }
    }
    const clustered = this.controller === 'DaemonSet' ? needs.components.filter((n) => n.clustered) : [];
    if (clustered.length > 0) {
      problems.push(
        `${path}: a component enables clustering (${clustered.map((n) => n.component.componentId).join(', ')}), ` +
        'but a DaemonSet collector reads its own node and does not cluster; move it to a StatefulSet collector, or remove its clustering block',
      );
    }
    if (this.clusteringProp === false && needs.components.some((n) => n.clustered)) {
      problems.push(
        `${path}: a component enables clustering but the collector runs with clustering: false, so there is no --cluster.enabled and no headless ` +
        `Service to join; remove clustering: false, or the clustering block`,
      );
    }
    return problems;
  }

  private args(pinned: StabilityLevel | undefined): string[] {
    return [
      'run',
      `${CONFIG_DIR}/config.alloy`,
      `--storage.path=${STORAGE}`,
      `--server.http.listen-addr=0.0.0.0:${ALLOY_HTTP_PORT}`,
      `--stability.level=${pinned ?? this.config.stabilityLevel}`,
      '--disable-reporting',
      ...(this.clustering ? ['--cluster.enabled=true', `--cluster.join-addresses=${this.clusterServiceName}`] : []),
      ...(this.config.usesCommunityComponents ? ['--feature.community-components.enabled=true'] : []),
    ];
  }
}

function attributeString(body: readonly Statement[], name: string): string | undefined {
  const a = body.find((s) => s.kind === 'attribute' && s.name === name);
  return a !== undefined && a.kind === 'attribute' && typeof a.value === 'string' ? a.value : undefined;
}
