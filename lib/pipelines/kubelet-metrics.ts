/**
 * The kubelets' own metrics and cAdvisor's container metrics: `discovery.kubernetes` finds
 * the nodes, and two clustered `prometheus.scrape` read each kubelet's `/metrics` (job
 * `kubelet`) and `/metrics/cadvisor` (job `cadvisor`) over HTTPS with the collector's
 * ServiceAccount token. Each keeps a list of series (what Grafana's Kubernetes dashboards
 * and this stack's alerts use), so a cluster's cAdvisor does not flood Prometheus; pass
 * `".+"` to keep every series.
 *
 * No host access: Pod Security restricted. RBAC (derived): get/list/watch on nodes, get on
 * nodes/metrics. The collector's NetworkPolicy opens port 10250 to the nodes.
 */
import { Construct } from 'constructs';
// generated components by file, so that loading the library loads only those it uses
import { DiscoveryKubernetes } from '../../imports/alloy/components/discovery-kubernetes';
import { DiscoveryRelabel } from '../../imports/alloy/components/discovery-relabel';
import { PrometheusRelabel } from '../../imports/alloy/components/prometheus-relabel';
import { PrometheusScrape } from '../../imports/alloy/components/prometheus-scrape';
import { goDuration } from '../validation';
import { IMetricsDestination } from './destinations';
import { enclosingConfig, kubeletScrape, pipelineLabel } from './kubernetes-common';


/** The kubelet series kept by default: volumes (for the volume-full alert), pods and containers running, node name. */
export const KUBELET_KEEP = 'kubelet_volume_stats_.+|kubelet_running_pods|kubelet_running_containers|kubelet_node_name|kubelet_pod_start_duration_seconds_(count|sum)|up';

/** The cAdvisor series kept by default: CPU, memory, network, file system and throttling of each container. */
export const CADVISOR_KEEP = [
  'container_cpu_usage_seconds_total',
  'container_cpu_cfs_periods_total',
  'container_cpu_cfs_throttled_periods_total',
  'container_memory_working_set_bytes',
  'container_memory_rss',
  'container_memory_cache',
  'container_network_receive_bytes_total',
  'container_network_transmit_bytes_total',
  'container_fs_reads_bytes_total',
  'container_fs_writes_bytes_total',
  'container_oom_events_total',
  'machine_memory_bytes',
  'up',
].join('|');

export interface KubeletMetricsProps {
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
  /** A regular expression of the kubelet metric names to keep. @default KUBELET_KEEP */
  readonly kubeletKeep?: string;
  /** A regular expression of the cAdvisor metric names to keep. @default CADVISOR_KEEP */
  readonly cadvisorKeep?: string;
  /**
   * Labels of the components: `<label>_nodes`, `<label>_kubelet`, `<label>_cadvisor`.
   *
   * @default - "kubelet_nodes", "kubelet", "cadvisor"
   */
  readonly label?: string;
}

export class KubeletMetrics extends Construct {
  public readonly scrapes: { readonly kubelet: PrometheusScrape; readonly cadvisor: PrometheusScrape };

  public constructor(scope: Construct, id: string, props: KubeletMetricsProps) {
    super(scope, id);
    const config = enclosingConfig(this, 'KubeletMetrics');
    const interval = goDuration(this.node.path, 'scrapeInterval', props.scrapeInterval ?? '60s');
    const base = props.label === undefined ? undefined : pipelineLabel(this, props.label, '');
    const labels = base === undefined
      ? { nodes: 'kubelet_nodes', kubelet: 'kubelet', cadvisor: 'cadvisor' }
      : { nodes: `${base}_nodes`, kubelet: `${base}_kubelet`, cadvisor: `${base}_cadvisor` };
    const nodes = new DiscoveryKubernetes(this, 'nodes', { label: labels.nodes, role: 'node' });
    const named = new DiscoveryRelabel(this, 'node-label', {
      label: labels.nodes,
      targets: nodes.targets,
      rule: { sourceLabels: ['__meta_kubernetes_node_name'], targetLabel: 'node' },
    });
    const scrape = (job: 'kubelet' | 'cadvisor', keep: string): PrometheusScrape => {
      try {
        new RegExp(`^(?:${keep})$`);
      } catch {
        throw new Error(`${this.node.path}: ${job}Keep is not a regular expression (got ${JSON.stringify(keep)}); such as "container_.+"`);
      }
      const filter = new PrometheusRelabel(this, `${job}-keep`, {
        label: labels[job],
        forwardTo: [props.metrics.metricsReceiver(config)],
        rule: { sourceLabels: ['__name__'], regex: keep, action: 'keep' },
      });
      return new PrometheusScrape(this, job, {
        label: labels[job],
        jobName: job,
        targets: named.output,
        ...kubeletScrape(props.verifyKubeletCertificate ?? false),
        ...(job === 'cadvisor' ? { metricsPath: '/metrics/cadvisor' } : {}),
        scrapeInterval: interval,
        forwardTo: [filter.receiver],
      });
    };
    this.scrapes = {
      kubelet: scrape('kubelet', props.kubeletKeep ?? KUBELET_KEEP),
      cadvisor: scrape('cadvisor', props.cadvisorKeep ?? CADVISOR_KEEP),
    };
  }
}
