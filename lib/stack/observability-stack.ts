/**
 * ObservabilityStack: the default wiring. Alloy is the one OTLP entry point; traces go to
 * Tempo, metrics to Prometheus by remote write, logs to Loki; Grafana queries all three.
 */
import { Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { KubeNamespace } from '../../imports/k8s';
import { KubeletVolumeStats, OtlpGateway } from '../pipelines';
import { SyncWaves } from './sync-waves';
import { assertDnsLabel } from '../validation';
import { Alertmanager, AlertmanagerProps } from '../workloads/alertmanager';
import { StackNetworkPolicies, StackNetworkPoliciesProps } from '../workloads/network-policies';
import { Alloy, AlloyProps } from '../workloads/alloy';
import { Grafana, GrafanaProps } from '../workloads/grafana';
import { Loki, LokiProps } from '../workloads/loki';
import { Prometheus, PrometheusProps } from '../workloads/prometheus';
import { Tempo, TempoProps } from '../workloads/tempo';

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
}

export class ObservabilityStack extends Chart {
  /** The namespace every object of the stack is in. */
  public readonly namespaceName: string;
  public readonly namespaceObject: KubeNamespace;
  public readonly alloy: Alloy;
  public readonly tempo: Tempo;
  public readonly prometheus: Prometheus;
  public readonly loki: Loki;
  public readonly grafana: Grafana;
  public readonly alertmanager: Alertmanager;
  /** The OTLP pipeline in Alloy's config. */
  public readonly gateway: OtlpGateway;
  /** The pipeline that brings the kubelets' volume usage to Prometheus. */
  public readonly kubeletVolumeStats: KubeletVolumeStats;
  /** The NetworkPolicies, unless turned off. */
  public readonly networkPolicies?: StackNetworkPolicies;

  public constructor(scope: Construct, id: string, props: ObservabilityStackProps = {}) {
    const namespace = props.namespace ?? 'observability';
    super(scope, id, { ...props, namespace: undefined });
    assertDnsLabel(this.node.path, 'namespace', namespace);
    assertDnsLabel(this.node.path, 'stack id (used as app.kubernetes.io/instance)', id);
    this.namespaceName = namespace;
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
    this.prometheus = new Prometheus(this, 'prometheus', { ...props.prometheus, ...common });
    this.tempo = new Tempo(this, 'tempo', { ...props.tempo, ...common, metricsGenerator: this.prometheus });
    this.alertmanager = new Alertmanager(this, 'alertmanager', { ...props.alertmanager, ...common });
    this.prometheus.addAlertmanager(this.alertmanager);
    this.loki = new Loki(this, 'loki', { ...props.loki, ...common });
    // Alloy's own logs (its ingestion errors among them) go to Loki through the same writer
    this.alloy = new Alloy(this, 'alloy', { selfLogs: this.loki, ...props.alloy, ...common });
    this.grafana = new Grafana(this, 'grafana', {
      ...props.grafana,
      ...common,
      datasources: [this.prometheus, this.tempo, this.loki],
    });

    this.gateway = new OtlpGateway(this.alloy.config, 'otlp', {
      traces: this.tempo,
      metrics: this.prometheus,
      logs: this.loki,
      grpcPort: this.alloy.otlpGrpcPort,
      httpPort: this.alloy.otlpHttpPort,
      memoryLimitMib: this.alloy.memoryLimiterMib,
    });

    // volume usage of the stack's claims, for the volume-nearly-full alert
    this.kubeletVolumeStats = new KubeletVolumeStats(this.alloy.config, 'kubelet_volumes', { metrics: this.prometheus });

    this.prometheus.addScrapeTarget({ job: 'alloy', address: this.alloy.metricsAddress });
    this.prometheus.addScrapeTarget({ job: 'alertmanager', address: this.alertmanager.alertmanagerAddress });
    this.prometheus.addScrapeTarget({ job: 'tempo', address: this.tempo.metricsAddress });
    this.prometheus.addScrapeTarget({ job: 'loki', address: this.loki.metricsAddress });
    this.prometheus.addScrapeTarget({ job: 'grafana', address: this.grafana.metricsAddress });

    if (props.networkPolicies !== false) {
      this.networkPolicies = new StackNetworkPolicies(this, 'network-policies', {
        ...props.networkPolicies,
        namespace,
        instance: id,
        alloy: this.alloy,
        tempo: this.tempo,
        prometheus: this.prometheus,
        loki: this.loki,
        grafana: this.grafana,
        alertmanager: this.alertmanager,
      });
    }

    // last, so it sees every object (those made at synth included)
    new SyncWaves(this, 'sync-waves');
  }
}
