/**
 * Volume usage of the cluster's PersistentVolumeClaims, from the kubelets: Alloy discovers
 * the nodes, scrapes each kubelet's /metrics with its ServiceAccount token, keeps only the
 * `kubelet_volume_stats_*` series and writes them to a metrics destination, so that a
 * filling volume can alert before writes fail.
 *
 * The stack now reads these series with KubeletMetrics (in alloy-metrics), which keeps them
 * among the kubelet's; this construct stays for configs that want the volume series alone.
 * Both in one config need a `label` here (their default labels are the same).
 */
import { Construct } from 'constructs';
// generated components by file, so that loading the library loads only those it uses
import { DiscoveryKubernetes } from '../../imports/alloy/components/discovery-kubernetes';
import { PrometheusRelabel } from '../../imports/alloy/components/prometheus-relabel';
import { PrometheusScrape } from '../../imports/alloy/components/prometheus-scrape';
import { AlloyConfig, assertIdentifier } from '../alloy';
import { IMetricsDestination } from './destinations';
import { kubeletScrape } from './kubernetes-common';
import { goDuration } from '../validation';

/** A Kubernetes RBAC rule, as a ClusterRole holds it. */
export interface AccessRule {
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly verbs: readonly string[];
  /** @default - any object of those resources */
  readonly resourceNames?: readonly string[];
}


export interface KubeletVolumeStatsProps {
  /** Where the series go. */
  readonly metrics: IMetricsDestination;
  /**
   * How often targets are scraped: a duration, whole numbers with y, w, d, h, m, s, ms, such
   * as "30s" or "1m" (Alloy reads Go durations: days become hours).
   *
   * @default "60s"
   */
  readonly scrapeInterval?: string;
  /**
   * Verify each kubelet's serving certificate against the cluster's CA (the ServiceAccount's
   * `ca.crt`) instead of skipping verification. Off by default: most clusters' kubelets serve a
   * self-signed certificate (kubeadm's default unless `serverTLSBootstrap: true`), which fails
   * verification and would leave every kubelet target down; Grafana's k8s-monitoring chart
   * skips verification for the kubelet too. Turn it on where kubelets serve certificates the
   * cluster CA signed (`serverTLSBootstrap: true` with the kubelet-serving CSRs approved).
   *
   * @default false
   */
  readonly verifyKubeletCertificate?: boolean;
  /**
   * Labels of the components: `<label>_nodes`, `<label>_scrape`, `<label>_keep`.
   *
   * @default - "nodes", "kubelet", "kubelet_volume_stats"
   */
  readonly label?: string;
}

export class KubeletVolumeStats extends Construct {

  public constructor(scope: Construct, id: string, props: KubeletVolumeStatsProps) {
    super(scope, id);
    const config = this.node.scopes.find(AlloyConfig.isAlloyConfig);
    if (config === undefined) {
      throw new Error(`${this.node.path}: KubeletVolumeStats is not inside an AlloyConfig; create it with an AlloyConfig as its scope`);
    }
    const l = props.label;
    if (l !== undefined) assertIdentifier(this.node.path, 'label', l);
    const nodes = new DiscoveryKubernetes(this, 'nodes', { label: l === undefined ? 'nodes' : `${l}_nodes`, role: 'node' });
    const keep = new PrometheusRelabel(this, 'keep', {
      label: l === undefined ? 'kubelet_volume_stats' : `${l}_keep`,
      forwardTo: [props.metrics.metricsReceiver(config)],
      rule: { sourceLabels: ['__name__'], regex: 'kubelet_volume_stats_.+', action: 'keep' },
    });
    new PrometheusScrape(this, 'scrape', {
      label: l === undefined ? 'kubelet' : `${l}_scrape`,
      jobName: 'kubelet',
      targets: nodes.targets,
      ...kubeletScrape(props.verifyKubeletCertificate ?? false),
      scrapeInterval: goDuration(this.node.path, 'scrapeInterval', props.scrapeInterval ?? '60s'),
      forwardTo: [keep.receiver],
    });
  }
}
