/**
 * The Alloy collector: a StatefulSet of two or more replicas, each keeping its state (the
 * remote-write WAL, the on-disk sending queues) on its own PersistentVolumeClaim at
 * `--storage.path`; its config.alloy in a ConfigMap; a Service for OTLP and Alloy's HTTP
 * server; a headless Service for clustering; a PodDisruptionBudget; a ServiceAccount.
 *
 * At synth it checks that the pieces fit: storage paths lie on the volume, receiver ports are
 * exposed, clustering has its headless Service, the memory limiter fits the container.
 */
import { Lazy } from 'cdk8s';
import { Construct } from 'constructs';
// generated components by file, so that loading the library loads only those it uses
import { LoggingBlock, LoggingBlockProps } from '../../imports/alloy/components/logging-block';
import { LokiProcess } from '../../imports/alloy/components/loki-process';
import { EnvVar, IntOrString, Quantity, KubeService, KubeServiceAccount } from '../../imports/k8s';
import { AccessRules, AlloyAccess } from './alloy-access';
import { CollectorShape, collectorSizes, defaultMemoryTarget, goMemLimitMib, memoryLimiterMib, propProblems, synthProblems } from './alloy-checks';
import { ConfigNeeds, configNeeds } from './alloy-components';
import { AlloyConfig, Expr, StabilityLevel } from '../alloy';
import { AccessRule, DurableQueue, DurableQueueProps, ILogsDestination } from '../pipelines';
import { DEFAULT_INSTANCE, WorkloadProps } from './common-props';
import { ServerPort, ServerWorkload, WorkloadAutoscaling, workloadLabels } from './server-workload';
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
  /** Replicas behind the OTLP Service (StatefulSet only; not with `autoscaling`). @default 2 */
  readonly replicas?: number;
  /**
   * Let a HorizontalPodAutoscaler set the replica count from CPU and memory, between
   * `minReplicas` and `maxReplicas` (StatefulSet only; instead of `replicas`). The StatefulSet's
   * manifest then has no `spec.replicas`, the PodDisruptionBudget (at most one replica down) and
   * the spread over nodes hold for any count, and replicas are removed one at a time once the
   * load has been low for `scaleDownStabilization`. The cluster must serve the resource metrics
   * API (metrics-server).
   *
   * A removed replica's disk queues are not drained: they stay on its claim, which is retained,
   * and are sent when the autoscaler next runs that replica again (more than its ordinal
   * replicas); its remote-write WAL is lost beyond the minute it flushes at shutdown. See the
   * outage budget (docs/outage-budget.md) and "Autoscaling the gateway" in docs/stack.md.
   *
   * `targetMemoryUtilization` defaults to the highest that still adds replicas before the memory
   * limiter refuses data: its soft limit (`memoryLimiterMib`, limit minus spike, 60 % of the
   * memory limit) in percent of the memory request, at most 100 (60 with the default resources).
   * With a memory limiter in the config, synth fails when the target lies above that limiter's
   * soft limit: the pods would refuse data before the autoscaler adds any.
   *
   * @default - a fixed count, `replicas`
   */
  readonly autoscaling?: WorkloadAutoscaling;
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

export class Alloy extends Construct {
  /** The config.alloy of this collector: create components with it as their scope. */
  public readonly config: AlloyConfig;
  /** The `logging` block of the config. */
  public readonly logging: LoggingBlock;
  /** The on-disk queue every destination of this config uses. */
  public readonly durableQueue: DurableQueue;
  public readonly workload: ServerWorkload;
  public readonly serviceAccount: KubeServiceAccount;
  /** The ServiceAccount's Roles and ClusterRole, from what the components of the config need. */
  private readonly access: AlloyAccess;
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
  /** The fewest replicas: `replicas`, or the autoscaler's minReplicas (1 for a DaemonSet, per node). */
  public readonly minReplicas: number;
  /** The most replicas: `replicas`, or the autoscaler's maxReplicas (1 for a DaemonSet, per node). */
  public readonly maxReplicas: number;
  /** The props resolved, as the checks read them. */
  private readonly shape: CollectorShape;
  private readonly clusterServiceName: string;

  public constructor(scope: Construct, id: string, props: AlloyProps) {
    super(scope, id);
    const shape = collectorShape(this.node.path, props);
    const problems = propProblems(shape, props);
    if (problems.length > 0) throw new Error(problems[0]);
    const sizes = collectorSizes(shape);
    this.shape = shape;
    this.otlpGrpcPort = shape.otlpGrpcPort;
    this.otlpHttpPort = shape.otlpHttpPort;
    this.receivesOtlp = props.otlp ?? true;
    this.controller = shape.controller;
    this.name = shape.name;
    this.namespaceName = props.namespace;
    this.memoryLimitBytes = sizes.memoryLimitBytes;
    this.storageBytes = sizes.storageBytes;
    this.clusterServiceName = `${shape.name}-cluster`;
    this.minReplicas = shape.replicas;
    this.maxReplicas = shape.maxReplicas;
    const daemonSet = shape.controller === 'DaemonSet';
    const { name, hostPaths } = shape;

    this.config = new AlloyConfig(this, 'config');
    this.durableQueue = new DurableQueue(this.config, 'durable_queue', { directory: `${STORAGE}/otelcol-queue`, ...props.durability });
    this.logging = loggingBlock(this.config, props, name);
    const pinned = props.stabilityLevel;
    this.node.addValidation({
      validate: () => synthProblems({ shape, sizes, config: this.config, needs: this.needs, durableQueue: this.durableQueue, pinned }),
    });

    const instance = props.instance ?? DEFAULT_INSTANCE;
    const image = props.image ?? IMAGES.alloy;
    const labels = workloadLabels({ name, instance, component: 'collector', image });
    this.serviceAccount = new KubeServiceAccount(this, 'service-account', {
      metadata: { name, namespace: props.namespace, labels },
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
      env: Lazy.any({ produce: () => this.env(props) }) as never,
      ports: shape.ports,
      readiness: { path: '/-/ready', port: 'http-metrics' },
      liveness: { path: '/-/healthy', port: 'http-metrics' },
      runAs: { uid: 473, gid: 473 },
      resources: props.resources ?? DEFAULT_RESOURCES,
      configFiles: {
        mountPath: CONFIG_DIR,
        data: { 'config.alloy': Lazy.any({ produce: () => this.config.renderOnce() }) },
      },
      ...(daemonSet ? {
        controller: { kind: 'DaemonSet' },
        extraVolumes: [
          { volume: { name: 'data', emptyDir: { sizeLimit: Quantity.fromString(shape.storageSize) } }, mount: { name: 'data', mountPath: STORAGE } },
          ...hostPaths.map((hp, i) => ({
            volume: { name: `host-${i}`, hostPath: { path: hp, type: 'Directory' } },
            mount: { name: `host-${i}`, mountPath: hp, readOnly: true },
          })),
        ],
        ...(hostPaths.length > 0 ? {
          securityException: {
            reason: `hostPath ${hostPaths.join(', ')} (read-only), as root with every capability dropped: the node's log files are readable by root only`,
            addCapabilities: [],
          },
        } : {}),
      } : {
        controller: {
          kind: 'StatefulSet',
          serviceName: this.clusterServiceName,
          ...(shape.autoscaling ? {
            autoscaling: {
              ...shape.autoscaling,
              targetMemoryUtilization: shape.autoscaling.targetMemoryUtilization ?? defaultMemoryTarget(sizes.memoryLimitBytes, sizes.memoryRequestBytes!),
            },
          } : { replicas: shape.replicas }),
          storage: { mountPath: STORAGE, size: shape.storageSize, storageClassName: props.storageClassName },
          // one replica down at most and a spread that never blocks scheduling: right for any
          // count the autoscaler picks
          highAvailability: shape.maxReplicas > 1,
        },
      }),
      terminationGracePeriodSeconds: shape.terminationGracePeriodSeconds,
      serviceAccountName: this.serviceAccount.name,
      // the token is mounted only when a component needs the Kubernetes API
      automountServiceAccountToken: Lazy.any({ produce: () => this.access.needed }) as unknown as boolean,
      podAnnotations: { 'checksum/config': Lazy.any({ produce: () => this.config.checksum() }) },
    });
    // the StatefulSet's governing Service; it also lets replicas find each other for
    // clustering, and Prometheus find every pod. A DaemonSet gets one for Prometheus only.
    this.podsService = new KubeService(this, 'cluster-service', {
      metadata: { name: daemonSet ? `${name}-pods` : this.clusterServiceName, namespace: props.namespace, labels },
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
    this.access = new AlloyAccess(this, 'access', {
      config: this.config, namespace: props.namespace, name, serviceAccountName: this.serviceAccount.name, labels,
    });
    // its receivers are the stack's entry point; its replicas talk to each other (clustering)
    const connections = Connections.of(this);
    connections.allowEntry(this.workload.peer, shape.ports.filter((p) => p.name !== 'http-metrics').map((p) => p.port), 'otlp-senders');
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

  /** The limiter's hard limit for this container: 80 % of its memory limit; its spike a quarter of that. */
  public get memoryLimiterMib(): { limit: number; spike: number } {
    return memoryLimiterMib(this.memoryLimitBytes);
  }

  /** Whether clustering is on: as set, or because a component of the config asks for it. */
  public get clustering(): boolean {
    if (this.controller === 'DaemonSet') return false;
    return this.shape.clustering ?? this.needs.components.some((n) => n.clustered);
  }

  /** What the components of the config need (alloy-components.ts), read once per component count. */
  private get needs(): ConfigNeeds {
    return configNeeds(this.config, this.namespaceName);
  }

  /**
   * Grants the collector's ServiceAccount access that its components do not show (such as
   * reading the kubelets' metrics), cluster-wide.
   */
  public grantClusterAccess(rules: readonly AccessRule[]): void {
    this.access.grant(rules);
  }

  /**
   * What the ServiceAccount may do: read from the components of the config (a
   * `discovery.kubernetes` with role pod needs pods get/list/watch, a `remote.kubernetes.secret`
   * that one Secret's get, ...) plus the grants. Namespaced where the component is limited to
   * namespaces, cluster-wide otherwise.
   */
  public accessRules(): AccessRules {
    return this.access.rules();
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

  private env(props: AlloyProps): EnvVar[] {
    return [
      // a node-local collector picks its own node's pods
      ...(this.controller === 'DaemonSet' ? [{ name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }] : []),
      // the pod label of Alloy's own logs
      ...(props.selfLogs ? [{ name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }] : []),
      // the Go runtime collects harder near 90 % of the limit; the memory limiter refuses data before that
      { name: 'GOMEMLIMIT', value: `${goMemLimitMib(this.memoryLimitBytes)}MiB` },
      // secrets read by reference: from their Secret into the environment, read with sys.env
      ...[...this.config.secretEnvironment].sort(([a], [b]) => a.localeCompare(b)).map(([variable, ref]) => ({
        name: variable,
        valueFrom: { secretKeyRef: { name: ref.name, key: ref.key } },
      })),
    ];
  }
}

const DEFAULT_RESOURCES = { requests: { cpu: '250m', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } };

/** The props with their defaults, as the checks and the constructor read them. */
function collectorShape(path: string, props: AlloyProps): CollectorShape {
  const controller = props.controller ?? 'StatefulSet';
  const receivesOtlp = props.otlp ?? true;
  const otlpGrpcPort = props.otlpGrpcPort ?? 4317;
  const otlpHttpPort = props.otlpHttpPort ?? 4318;
  const resources = props.resources ?? DEFAULT_RESOURCES;
  const autoscaling = controller === 'DaemonSet' || props.autoscaling === undefined ? undefined : props.autoscaling;
  const replicas = controller === 'DaemonSet' ? 1 : autoscaling?.minReplicas ?? props.replicas ?? 2;
  return {
    path,
    name: props.name ?? 'alloy',
    controller,
    replicas,
    maxReplicas: autoscaling?.maxReplicas ?? replicas,
    autoscaling,
    terminationGracePeriodSeconds: props.terminationGracePeriodSeconds ?? 60,
    clustering: props.clustering,
    hostPaths: [...(props.hostPaths ?? [])],
    ports: [
      ...(receivesOtlp ? [
        { name: 'otlp-grpc', port: otlpGrpcPort, appProtocol: 'grpc' },
        { name: 'otlp-http', port: otlpHttpPort, appProtocol: 'http' },
      ] : []),
      { name: 'http-metrics', port: ALLOY_HTTP_PORT, appProtocol: 'http' },
      ...(props.extraPorts ?? []),
    ],
    otlpGrpcPort,
    otlpHttpPort,
    storagePath: STORAGE,
    storageSize: props.storageSize ?? '10Gi',
    memoryLimit: resources.limits.memory,
    resources,
  };
}

/**
 * The `logging` block: level info, format logfmt (written out, so they do not move with Alloy
 * releases), and, with `selfLogs`, Alloy's own logs labelled with the collector and sent there.
 */
function loggingBlock(config: AlloyConfig, props: AlloyProps, name: string): LoggingBlock {
  const selfLogs = props.selfLogs && new LokiProcess(config, 'self_logs', {
    label: 'self_logs',
    stages: [{
      staticLabels: {
        values: { app: name, container: 'alloy', job: `${props.namespace}/${name}`, namespace: props.namespace, pod: Expr.call('sys.env', 'POD_NAME') },
      },
    }],
    forwardTo: [props.selfLogs.selfLogsReceiver?.(config) ?? props.selfLogs.logsReceiver(config)],
  });
  return new LoggingBlock(config, 'logging', {
    level: 'info',
    format: 'logfmt',
    ...(selfLogs ? { writeTo: [selfLogs.receiver] } : {}),
    ...props.logging,
  });
}
