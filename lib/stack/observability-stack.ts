/**
 * ObservabilityStack: the default wiring. Alloy is the one OTLP entry point; traces go to
 * Tempo, metrics to Prometheus by remote write, logs to Loki; Grafana queries all three. Any
 * signal may go to an external backend instead (`external`), which then takes the bundled
 * one's place in every wiring below.
 */
import { Chart, ChartProps } from 'cdk8s';
import type { Workload } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { KubeNamespace } from '../../imports/k8s';
import {
  AnnotationAutodiscovery, ClusterEvents, ILogsDestination, IMetricsDestination, ITracesDestination, KUBELET_KEEP, KubeletMetrics, NodeLogs,
  OtlpEnrichmentOptions, OtlpGateway, PodLogs, StaticScrape,
} from '../pipelines';
import { BACKEND_METRICS } from '../workloads/backend-metrics';
import { SyncWaves } from './sync-waves';
import { Sizing, applySizing } from './sizing';
import { assertDnsLabel } from '../validation';
import { Alertmanager, AlertmanagerProps } from '../workloads/alertmanager';
import { StackNetworkPolicies, StackNetworkPoliciesProps } from '../workloads/network-policies';
import { Alloy, AlloyProps } from '../workloads/alloy';
import { kubernetesNeeds } from '../workloads/alloy-components';
import { IDatasource } from '../workloads/datasource';
import {
  ExternalBackends, ExternalLogsBackend, ExternalMetricsBackend, ExternalTracesBackend, localPrometheusProps,
} from '../workloads/external-backends';
import { Grafana, GrafanaProps } from '../workloads/grafana';
import { KubeStateMetrics, KubeStateMetricsProps } from '../workloads/kube-state-metrics';
import { Loki, LokiProps } from '../workloads/loki';
import { sharedBucket } from '../workloads/object-storage';
import { IRemoteWriteReceiver, Prometheus, PrometheusProps, PrometheusScrapeTarget } from '../workloads/prometheus';
import { Tempo, TempoProps } from '../workloads/tempo';
import { InstrumentOptions, KubeWorkload, instrument } from '../workloads/instrument';

type Tuning<P> = Omit<P, 'namespace' | 'instance'>;

export interface ObservabilityStackProps extends ChartProps {
  /** The namespace of every object; the stack creates it. @default "observability" */
  readonly namespace?: string;
  /** @default - Alloy's defaults */
  readonly alloy?: Tuning<AlloyProps>;
  /** @default - Tempo's defaults, with its metrics generator writing to the stack's Prometheus */
  readonly tempo?: Tuning<Omit<TempoProps, 'metricsGenerator'>>;
  /** @default - Prometheus's defaults */
  readonly prometheus?: Tuning<PrometheusProps>;
  /** @default - Loki's defaults */
  readonly loki?: Tuning<LokiProps>;
  /** @default - Grafana's defaults */
  readonly grafana?: Tuning<Omit<GrafanaProps, 'datasources'>>;
  /** Receivers and routes of alerts. @default - alerts kept in Alertmanager, sent nowhere */
  readonly alertmanager?: Tuning<AlertmanagerProps>;
  /**
   * NetworkPolicies: default deny, then only what the stack needs. `false` leaves the
   * namespace open (for clusters without a policy engine, or your own policies).
   *
   * @default - on; OTLP and Grafana reachable from every namespace
   */
  readonly networkPolicies?: false | Pick<StackNetworkPoliciesProps, 'otlpFromNamespaces' | 'grafanaFromNamespaces' | 'dnsNamespace' | 'dnsPodLabels' | 'clusterCidrs'>;
  /**
   * Kubernetes metadata on OTLP data (k8sattributes, resourcedetection). `false` turns it off.
   *
   * @default - on, with no pod labels or annotations copied
   */
  readonly enrichment?: boolean | OtlpEnrichmentOptions;
  /**
   * The collector `alloy-metrics`: a clustered StatefulSet that scrapes annotated pods and
   * Services, the kubelets and cAdvisor (and kube-state-metrics when on). `false` puts that
   * work in the OTLP gateway `alloy` instead.
   *
   * @default - on: 2 replicas, 512Mi, a 5Gi volume for the remote-write WAL
   */
  readonly metricsCollector?: false | Tuning<Omit<AlloyProps, 'name' | 'controller' | 'otlp' | 'hostPaths'>>;
  /**
   * The collector `alloy-logs`: a clustered StatefulSet that reads pod logs through the
   * Kubernetes API (unless nodeLogs is on) and the cluster's events. `false` puts that work
   * in the OTLP gateway `alloy` instead, whose volume then defaults to 15Gi (a second logs
   * queue, for the tailers).
   *
   * @default - on: 2 replicas, 512Mi, a 5Gi volume
   */
  readonly logsCollector?: false | Tuning<Omit<AlloyProps, 'name' | 'controller' | 'otlp' | 'hostPaths'>>;
  /** Run kube-state-metrics and scrape it. @default false */
  readonly kubeStateMetrics?: boolean | Tuning<KubeStateMetricsProps>;
  /**
   * Tail pod logs from the nodes' files (a DaemonSet `alloy-node-logs` mounting
   * /var/log/pods read-only) instead of reading them through the API. It needs the privileged Pod Security
   * level, so it runs in a namespace of its own (`<namespace>-node-logs`, enforcing
   * privileged, warning and auditing at restricted).
   *
   * @default - off: pod logs through the Kubernetes API
   */
  readonly nodeLogs?: boolean | { readonly namespace?: string; readonly collector?: Tuning<Omit<AlloyProps, 'name' | 'controller' | 'otlp' | 'hostPaths' | 'replicas'>> };
  /**
   * Backends of your own, per signal, in place of the bundled ones: `metrics` (Mimir, a hosted
   * Grafana stack, any Prometheus remote-write endpoint), `logs` (Loki), `traces` (Tempo), each
   * with its tenant and credentials from Secrets. The stack then runs no pod for that signal:
   * the collectors' queues send there, Grafana's data source queries it, the NetworkPolicies
   * open only its port, and Tempo's metrics generator writes to wherever metrics go. External
   * metrics must say where the stack's own alerts run (`alerts: { ruler }` renders them for the
   * backend's ruler and deploys no Alertmanager; `alerts: { localPrometheus }` keeps a small
   * Prometheus that scrapes only the stack). See docs/stack.md, "Bring your own backends".
   *
   * @default - every signal to its bundled backend
   */
  readonly external?: ExternalBackends;
  /**
   * The load to size for (spans, log bytes and active series a second, retention, the outage
   * to survive): replicas, CPU, memory, queues and volumes of every workload are derived from
   * it (see docs/sizing.md), under the props given here, which win. A load past one replica of
   * Loki or Tempo needs their `objectStorage`; past one Prometheus, `external.metrics`.
   *
   * @default - each workload's own defaults
   */
  readonly sizing?: Sizing;
  /**
   * Where the stack runs. `"compose"` builds it for Docker Compose (see `composeProject` and
   * docs/compose.md): the same workloads, configs and wiring, without what needs a Kubernetes
   * cluster. The pipelines that read the Kubernetes API or the nodes (pod logs, events, kubelet
   * and annotated-pod scrapes, kube-state-metrics, node logs) and the gateway's Kubernetes
   * metadata (`enrichment`) are left out, so `metricsCollector`, `logsCollector`, `nodeLogs`,
   * `kubeStateMetrics` and `enrichment` have nothing to tune there and are ignored (the Compose
   * README lists what was left out); NetworkPolicies are not made. A collector component that
   * needs the Kubernetes API or a node's files (lib/workloads/alloy-components.ts) fails synth.
   *
   * @default "kubernetes"
   */
  readonly platform?: StackPlatform;
}

/** Where a stack runs: a Kubernetes cluster, or Docker Compose on one machine. */
export type StackPlatform = 'kubernetes' | 'compose';

/** The kubelet's volume series (kubernetes pkg/kubelet/metrics/collectors/volume_stats.go). */
const KUBELET_VOLUME_METRICS = ['kubelet_volume_stats_available_bytes', 'kubelet_volume_stats_capacity_bytes', 'kubelet_volume_stats_used_bytes'];

/** The gateway's volume when it also reads pod logs: its three queues and the tailers' (11Gi by default) in 80 %. */
const GATEWAY_WITH_LOGS_STORAGE = '15Gi';

const SMALL_COLLECTOR = {
  replicas: 2,
  storageSize: '5Gi',
  durability: { logsQueueSize: '2Gi', metricsWalKeepalive: '2h' },
  resources: { requests: { cpu: '100m', memory: '512Mi' }, limits: { cpu: '1', memory: '512Mi' } },
};

export class ObservabilityStack extends Chart {
  /** The namespace every object of the stack is in. */
  public readonly namespaceName: string;
  /** Where the stack runs (`platform`). */
  public readonly platform: StackPlatform;
  public readonly namespaceObject: KubeNamespace;
  public readonly alloy: Alloy;
  public readonly grafana: Grafana;
  /** Where metrics go: the bundled Prometheus, or the external backend. */
  public readonly metrics: IMetricsDestination & IDatasource & IRemoteWriteReceiver;
  /** Where logs go: the bundled Loki, or the external backend. */
  public readonly logs: ILogsDestination & IDatasource;
  /** Where traces go: the bundled Tempo, or the external backend. */
  public readonly traces: ITracesDestination & IDatasource;
  /** The external metrics backend, when `external.metrics` is given. */
  public readonly externalMetrics?: ExternalMetricsBackend;
  /** The external logs backend, when `external.logs` is given. */
  public readonly externalLogs?: ExternalLogsBackend;
  /** The external traces backend, when `external.traces` is given. */
  public readonly externalTraces?: ExternalTracesBackend;
  private readonly bundledTempo?: Tempo;
  private readonly bundledPrometheus?: Prometheus;
  private readonly bundledLoki?: Loki;
  private readonly bundledAlertmanager?: Alertmanager;
  /** The OTLP pipeline in Alloy's config. */
  public readonly gateway: OtlpGateway;
  /** The collector of the scraping pipelines: `alloy-metrics`, or the gateway. */
  public readonly metricsCollector: Alloy;
  /** The collector of pod logs and events: `alloy-logs`, or the gateway. */
  public readonly logsCollector: Alloy;
  /** The DaemonSet that tails node files, when nodeLogs is on. */
  public readonly nodeLogsCollector?: Alloy;
  /** Every collector of the stack, the gateway first. */
  public readonly collectors: readonly Alloy[];
  private readonly kubernetesAutodiscovery?: AnnotationAutodiscovery;
  private readonly kubelets?: KubeletMetrics;
  private readonly events?: ClusterEvents;
  /** When kubeStateMetrics is on. */
  public readonly kubeStateMetrics?: KubeStateMetrics;
  /** Pod logs through the API, unless nodeLogs is on. */
  public readonly podLogs?: PodLogs;
  /** Pod logs from the nodes' files, when nodeLogs is on. */
  public readonly nodeLogs?: NodeLogs;
  /** The NetworkPolicies, unless turned off. */
  public readonly networkPolicies?: StackNetworkPolicies;

  public constructor(scope: Construct, id: string, given: ObservabilityStackProps = {}) {
    const namespace = given.namespace ?? 'observability';
    super(scope, id, { ...given, namespace: undefined, sizing: undefined } as ChartProps);
    // the derived sizes under the props given, which win
    const props = applySizing(`${scope.node.path ? `${scope.node.path}/` : ''}${id}`, given);
    assertDnsLabel(this.node.path, 'namespace', namespace);
    assertDnsLabel(this.node.path, 'stack id (used as app.kubernetes.io/instance)', id);
    this.namespaceName = namespace;
    const platform = props.platform ?? 'kubernetes';
    if (platform !== 'kubernetes' && platform !== 'compose') {
      throw new Error(`${this.node.path}: platform must be "kubernetes" or "compose" (got ${JSON.stringify(platform)}); use one of them`);
    }
    this.platform = platform;
    const onKubernetes = platform === 'kubernetes';
    const common = { namespace, instance: id };

    this.namespaceObject = new KubeNamespace(this, 'namespace', {
      metadata: {
        name: namespace,
        labels: {
          'app.kubernetes.io/part-of': 'cdk8s-alloy',
          'app.kubernetes.io/managed-by': 'cdk8s',
          'pod-security.kubernetes.io/enforce': 'restricted',
          'pod-security.kubernetes.io/enforce-version': 'v1.28',
        },
      },
    });
    const shared = props.loki?.objectStorage && props.tempo?.objectStorage && sharedBucket(props.loki.objectStorage, props.tempo.objectStorage);
    if (shared) {
      throw new Error(
        `${this.node.path}: loki and tempo are given one bucket (got the ${shared} for both); Tempo reads every top-level folder of its bucket ` +
        'as a tenant (tempodb/backend/raw.go@v2.10.8:219-231), Loki\'s among them: give each its own bucket',
      );
    }
    const external = props.external ?? {};
    const refuse = (prop: string, given: unknown, by: string, instead: string) => {
      if (given !== undefined) {
        throw new Error(`${this.node.path}: ${prop} is set, but ${by} (so there is no such workload to tune); remove ${prop}${instead}`);
      }
    };
    if (external.traces !== undefined) refuse('tempo', props.tempo, 'traces go to external.traces', '');
    if (external.logs !== undefined) refuse('loki', props.loki, 'logs go to external.logs', '');
    if (external.metrics !== undefined) {
      refuse('prometheus', props.prometheus, 'metrics go to external.metrics', ', or tune the stack\'s own Prometheus with external.metrics.alerts.localPrometheus');
      this.externalMetrics = new ExternalMetricsBackend(this, 'external-metrics', { ...external.metrics, namespace });
      if (this.externalMetrics.ruler !== undefined) {
        refuse('alertmanager', props.alertmanager, 'the stack\'s alerts go to the ruler of external.metrics (alerts: { ruler }), whose Alertmanager routes them', ', and configure the backend\'s Alertmanager');
      }
      const local = this.externalMetrics.localPrometheus;
      if (local !== undefined) {
        // the stack's own Prometheus: scrapes only the stack, evaluates its alerts, takes no pushes
        this.bundledPrometheus = new Prometheus(this, 'prometheus', { ...localPrometheusProps(`${this.node.path}/external-metrics`, local), ...common });
      }
    } else {
      this.bundledPrometheus = new Prometheus(this, 'prometheus', { ...props.prometheus, ...common });
    }
    this.metrics = this.externalMetrics ?? this.bundledPrometheus!;
    if (external.traces !== undefined) {
      this.externalTraces = new ExternalTracesBackend(this, 'external-traces', external.traces);
    } else {
      // the metrics generator writes to wherever metrics go
      this.bundledTempo = new Tempo(this, 'tempo', { ...props.tempo, ...common, metricsGenerator: this.metrics });
    }
    this.traces = this.externalTraces ?? this.bundledTempo!;
    if (this.externalMetrics?.ruler === undefined) {
      this.bundledAlertmanager = new Alertmanager(this, 'alertmanager', { ...props.alertmanager, ...common });
      this.bundledPrometheus!.addAlertmanager(this.bundledAlertmanager);
    }
    if (external.logs !== undefined) {
      this.externalLogs = new ExternalLogsBackend(this, 'external-logs', external.logs);
    } else {
      this.bundledLoki = new Loki(this, 'loki', { ...props.loki, ...common });
    }
    this.logs = this.externalLogs ?? this.bundledLoki!;
    // Alloy's own logs reach Loki as every pod's do: read from the collectors' stderr by the
    // pod-logs pipeline, labelled with their pod and through the disk queue (not the logging
    // block's write_to, which drops lines when busy and would send them twice)
    this.alloy = new Alloy(this, 'alloy', {
      // reading pod logs too, the gateway holds a second logs queue (the tailers' own, which
      // waits for room): room for it on the volume
      ...(props.logsCollector === false ? { storageSize: GATEWAY_WITH_LOGS_STORAGE } : {}),
      ...props.alloy,
      ...common,
    });
    this.grafana = new Grafana(this, 'grafana', {
      ...props.grafana,
      ...common,
      datasources: [this.metrics, this.traces, this.logs, ...(this.externalMetrics && this.bundledPrometheus ? [stackPrometheusSource(this.bundledPrometheus)] : [])],
    });

    this.gateway = new OtlpGateway(this.alloy.config, 'otlp', {
      traces: this.traces,
      metrics: this.metrics,
      logs: this.logs,
      grpcPort: this.alloy.otlpGrpcPort,
      httpPort: this.alloy.otlpHttpPort,
      memoryLimitMib: this.alloy.memoryLimiterMib,
      // Kubernetes metadata comes from the Kubernetes API: not in Compose
      enrichment: onKubernetes ? props.enrichment ?? true : false,
    });

    // the collectors, as k8s-monitoring splits them: each with its own config, RBAC and
    // scaling; see the README's "Collector topology"
    // in Compose, whatever is added to them goes to the gateway (their pipelines are Kubernetes-only)
    const collector = (name: string, tuning: ObservabilityStackProps['metricsCollector']): Alloy => tuning === false || !onKubernetes
      ? this.alloy
      // an autoscaled collector takes its count from the autoscaler, not the default replicas
      : new Alloy(this, name, { ...SMALL_COLLECTOR, ...(tuning?.autoscaling ? { replicas: undefined } : {}), ...tuning, ...common, name, otlp: false });
    this.metricsCollector = collector('alloy-metrics', props.metricsCollector);
    this.logsCollector = collector('alloy-logs', props.logsCollector);

    // metrics: annotated pods and Services, kubelets (their volume usage feeds the
    // volume-nearly-full alert) and cAdvisor, kube-state-metrics when on
    if (onKubernetes) {
      this.kubernetesAutodiscovery = new AnnotationAutodiscovery(this.metricsCollector.config, 'annotation_autodiscovery', { metrics: this.metrics });
      this.kubelets = new KubeletMetrics(this.metricsCollector.config, 'kubelet_metrics', { metrics: this.metrics });
    }
    if (onKubernetes && props.kubeStateMetrics !== undefined && props.kubeStateMetrics !== false) {
      this.kubeStateMetrics = new KubeStateMetrics(this, 'kube-state-metrics', { ...(props.kubeStateMetrics === true ? {} : props.kubeStateMetrics), ...common });
      new StaticScrape(this.metricsCollector.config, 'kube_state_metrics', { target: this.kubeStateMetrics, metrics: this.metrics });
    }

    // logs: the cluster's events once, and pod logs through the API or from the nodes' files
    if (onKubernetes) this.events = new ClusterEvents(this.logsCollector.config, 'cluster_events', { logs: this.logs });
    if (!onKubernetes) {
      // no pods to read logs of
    } else if (props.nodeLogs !== undefined && props.nodeLogs !== false) {
      const options = props.nodeLogs === true ? {} : props.nodeLogs;
      const nodeNamespace = options.namespace ?? `${namespace}-node-logs`;
      assertDnsLabel(this.node.path, 'nodeLogs.namespace', nodeNamespace);
      if (nodeNamespace === namespace) {
        throw new Error(
          `${this.node.path}: nodeLogs.namespace is the stack's own namespace (got "${nodeNamespace}"), which enforces the restricted profile; ` +
          'the node-logs DaemonSet needs privileged: give it a namespace of its own',
        );
      }
      new KubeNamespace(this, 'node-logs-namespace', {
        metadata: {
          name: nodeNamespace,
          labels: {
            'app.kubernetes.io/part-of': 'cdk8s-alloy',
            'app.kubernetes.io/managed-by': 'cdk8s',
            // hostPath /var/log, read as root: the one stated exception of the stack
            'pod-security.kubernetes.io/enforce': 'privileged',
            'pod-security.kubernetes.io/enforce-version': 'v1.28',
            'pod-security.kubernetes.io/warn': 'restricted',
            'pod-security.kubernetes.io/warn-version': 'v1.28',
            'pod-security.kubernetes.io/audit': 'restricted',
            'pod-security.kubernetes.io/audit-version': 'v1.28',
          },
        },
      });
      const loki = this.bundledLoki?.fromOtherNamespace() ?? this.logs;
      this.nodeLogsCollector = new Alloy(this, 'alloy-node-logs', {
        storageSize: '2Gi',
        durability: { logsQueueSize: '1Gi' },
        resources: { requests: { cpu: '50m', memory: '256Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
        ...options.collector,
        namespace: nodeNamespace,
        instance: id,
        name: 'alloy-node-logs',
        controller: 'DaemonSet',
        otlp: false,
        // the kubelet's pod logs only, not the rest of the node's /var/log
        hostPaths: ['/var/log/pods'],
      });
      this.nodeLogs = new NodeLogs(this.nodeLogsCollector.config, 'node_logs', { logs: loki });
    } else {
      this.podLogs = new PodLogs(this.logsCollector.config, 'pod_logs', { logs: this.logs });
    }
    this.collectors = [...new Set([this.alloy, this.metricsCollector, this.logsCollector, ...(this.nodeLogsCollector ? [this.nodeLogsCollector] : [])])];

    // the stack's own targets, scraped by what runs its alerts: its Prometheus (bundled, or the
    // small local one), or, for an external ruler, the metrics collector into the backend
    const prometheus = this.bundledPrometheus;
    const ruler = prometheus === undefined ? this.externalMetrics : undefined;
    const scrape = (target: PrometheusScrapeTarget) => (prometheus !== undefined
      ? prometheus.addScrapeTarget(target)
      : ruler!.addScrapeTarget(target, this.metricsCollector.config));
    // every pod of every collector, through its headless Service; each job with the metrics its
    // components export, so alerts and dashboards follow what is there
    for (const c of this.collectors) {
      scrape({ job: c.name, address: c.podsMetricsAddressFrom(namespace), everyPod: true, role: 'collector', metrics: () => c.exportedMetrics(), peer: c.workload.peer });
    }
    // each backend's job is its workload's name
    const am = this.bundledAlertmanager;
    if (am !== undefined) scrape({ job: am.workload.host, address: am.alertmanagerAddress, metrics: () => BACKEND_METRICS.alertmanager, peer: am.workload.peer });
    // on object storage, every replica of Tempo and Loki through their headless Service
    for (const [backend, metrics] of [[this.bundledTempo, BACKEND_METRICS.tempo], [this.bundledLoki, BACKEND_METRICS.loki]] as const) {
      if (backend === undefined) continue;
      scrape({
        job: backend.workload.host, address: backend.metricsAddress, ...(backend.metricsEveryPod ? { everyPod: true } : {}),
        metrics: () => metrics, peer: backend.workload.peer,
      });
    }
    scrape({ job: this.grafana.workload.host, address: this.grafana.metricsAddress, metrics: () => BACKEND_METRICS.grafana, peer: this.grafana.workload.peer });
    // the kubelets' volume usage, remote-written by the metrics collector to where metrics go:
    // known to what runs the alerts when that is where they arrive (not the local Prometheus)
    const volumesAt = this.externalMetrics === undefined ? prometheus : ruler;
    const kept = new RegExp(`^(?:${KUBELET_KEEP})$`);
    if (onKubernetes) volumesAt?.addMetricsSource({
      from: `the kubelets, scraped by ${this.metricsCollector.name}`,
      metrics: () => KUBELET_VOLUME_METRICS.filter((m) => kept.test(m)),
    });

    if (onKubernetes && props.networkPolicies !== false) {
      // every workload of the stack, with what was recorded to and from it
      this.networkPolicies = new StackNetworkPolicies(this, 'network-policies', { ...props.networkPolicies, namespace, instance: id });
    }

    // last, so it sees every object (those made at synth included); the dashboards after the
    // data they show
    new SyncWaves(this, 'sync-waves', { late: this.grafana.dashboardsConfigMap ? [this.grafana.dashboardsConfigMap] : [] });
    if (!onKubernetes) {
      // what a component needs is in one table (alloy-components.ts): nothing of Kubernetes in Compose
      this.node.addValidation({ validate: () => this.collectors.flatMap((c) => kubernetesNeeds(c.config, namespace)) });
    }
  }

  /** Scrapes of annotated pods and Services (not on Compose). */
  public get annotationAutodiscovery(): AnnotationAutodiscovery {
    return this.onKubernetes(this.kubernetesAutodiscovery, 'AnnotationAutodiscovery', 'there are no pods to discover');
  }

  /** Kubelet and cAdvisor metrics, the kubelets' volume usage among them (not on Compose). */
  public get kubeletMetrics(): KubeletMetrics {
    return this.onKubernetes(this.kubelets, 'KubeletMetrics', 'there are no kubelets');
  }

  /** The cluster's events (not on Compose). */
  public get clusterEvents(): ClusterEvents {
    return this.onKubernetes(this.events, 'ClusterEvents', 'there is no Kubernetes API');
  }

  private onKubernetes<T>(pipeline: T | undefined, what: string, because: string): T {
    return this.bundled(pipeline, what, `its platform is "${this.platform}", where ${because}; use the stack built for Kubernetes`);
  }

  /** The bundled Tempo; fails when traces go to external.traces. */
  public get tempo(): Tempo {
    return this.bundled(this.bundledTempo, 'Tempo', 'traces go to external.traces (stack.traces, stack.externalTraces)');
  }

  /**
   * The stack's Prometheus: the bundled one, or with `external.metrics.alerts.localPrometheus`
   * the small one that scrapes only the stack (it takes no pushes: metrics go to
   * `stack.metrics`); fails with an external ruler.
   */
  public get prometheus(): Prometheus {
    return this.bundled(this.bundledPrometheus, 'Prometheus', 'metrics go to external.metrics and its ruler runs the alerts (stack.metrics, stack.externalMetrics)');
  }

  /** The bundled Loki; fails when logs go to external.logs. */
  public get loki(): Loki {
    return this.bundled(this.bundledLoki, 'Loki', 'logs go to external.logs (stack.logs, stack.externalLogs)');
  }

  /** The bundled Alertmanager; fails with an external ruler, whose own Alertmanager routes the alerts. */
  public get alertmanager(): Alertmanager {
    return this.bundled(this.bundledAlertmanager, 'Alertmanager', 'the alerts run in the ruler of external.metrics, and its Alertmanager routes them');
  }

  private bundled<T>(workload: T | undefined, what: string, because: string): T {
    if (workload === undefined) {
      throw new Error(`${this.node.path}: this stack runs no ${what}: ${because}`);
    }
    return workload;
  }

  /**
   * Sends a workload's OTLP (a cdk8s-plus-28 workload, or an L1 object of imports/k8s) to the
   * gateway `alloy`, admitted by the stack's NetworkPolicies; `scrape` has its pods scraped with
   * the prefix of `annotationAutodiscovery`. See `instrument`.
   */
  public instrument(workload: Workload | KubeWorkload, options: Omit<InstrumentOptions, 'gateway'> = {}): void {
    if (this.platform !== 'kubernetes') {
      throw new Error(`${this.node.path}: instrument() wires a Kubernetes workload to the gateway, but this stack's platform is "${this.platform}"; instrument the stack built for Kubernetes, and point a Compose service at the gateway (alloy:${this.alloy.otlpGrpcPort}) yourself`);
    }
    instrument(workload, {
      ...options,
      gateway: this.alloy,
      ...(options.scrape ? { scrape: { autodiscovery: this.annotationAutodiscovery, ...options.scrape } } : {}),
    });
  }
}

/**
 * The stack's own Prometheus as a second metrics data source, beside an external backend:
 * the dashboards query it (it says what it holds), everything else the external one.
 */
function stackPrometheusSource(prometheus: Prometheus): IDatasource {
  return {
    datasource: { ...prometheus.datasource, name: 'Prometheus (stack)', uid: 'prometheus-stack', isDefault: false },
    datasourcePeer: prometheus.datasourcePeer,
    telemetry: () => prometheus.telemetry(),
    queryProblems: (what, expr) => prometheus.queryProblems(what, expr),
  };
}
