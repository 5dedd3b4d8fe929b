/**
 * Pieces the Kubernetes pipelines share: finding the config they belong to, checking the
 * namespaces they are limited to, and the relabel rules that turn a discovered pod into the
 * labels every pipeline uses (namespace, pod, container, node, app, job).
 */
import { Construct } from 'constructs';
// generated components by file, so that loading the library loads only those it uses
import { DiscoveryRelabelRule } from '../../imports/alloy/components/discovery-relabel';
import { AlloyConfig, assertIdentifier } from '../alloy';
import { assertDnsLabel, firstDuplicate } from '../validation';
import { ILogsDestination } from './destinations';

/** What every Kubernetes logs pipeline takes. */
export interface KubernetesLogsProps {
  /** Where the logs go. */
  readonly logs: ILogsDestination;
  /** Only these namespaces. @default - every namespace */
  readonly namespaces?: readonly string[];
  /**
   * Label of the pipeline's components in config.alloy: give a second pipeline of the same
   * kind in one config a label of its own.
   *
   * @default - the pipeline's name: "pod_logs", "node_logs", "cluster_events"
   */
  readonly label?: string;
}

/** The config a pipeline is created in: its nearest AlloyConfig scope. */
export function enclosingConfig(scope: Construct, what: string): AlloyConfig {
  const config = scope.node.scopes.find(AlloyConfig.isAlloyConfig);
  if (config === undefined) {
    throw new Error(`${scope.node.path}: ${what} is not inside an AlloyConfig; create it with a collector's config (alloy.config) as its scope`);
  }
  return config;
}

/** The label of a pipeline's components: as given (an Alloy identifier), else `fallback`. */
export function pipelineLabel(scope: Construct, label: string | undefined, fallback: string): string {
  const l = label ?? fallback;
  assertIdentifier(scope.node.path, 'label', l);
  return l;
}

/** What a logs pipeline starts from: its config, its namespaces (checked) and its label. */
export function logsPipeline(scope: Construct, what: string, props: KubernetesLogsProps, defaultLabel: string): {
  config: AlloyConfig; namespaces?: string[]; label: string;
} {
  return {
    config: enclosingConfig(scope, what),
    namespaces: checkNamespaces(scope, props.namespaces),
    label: pipelineLabel(scope, props.label, defaultLabel),
  };
}

/** A list of namespaces a pipeline is limited to: DNS labels, none twice, not empty. */
export function checkNamespaces(scope: Construct, namespaces: readonly string[] | undefined): string[] | undefined {
  if (namespaces === undefined) return undefined;
  if (namespaces.length === 0) {
    throw new Error(`${scope.node.path}: namespaces is empty (got []); leave it out for every namespace, or name at least one`);
  }
  namespaces.forEach((n) => assertDnsLabel(scope.node.path, 'namespaces', n));
  const twice = firstDuplicate(namespaces);
  if (twice !== undefined) {
    throw new Error(`${scope.node.path}: namespace "${twice}" is listed twice in namespaces; list each once`);
  }
  return [...namespaces];
}

/** Where Kubernetes mounts a pod's ServiceAccount token and the cluster's CA. */
export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';
/** The ServiceAccount token; a scrape that sends it reads the kubelets (RBAC: nodes/metrics). */
export const SERVICE_ACCOUNT_TOKEN = `${SERVICE_ACCOUNT_DIR}/token`;

/** Where Kubernetes mounts the cluster's CA beside the token. */
export const SERVICE_ACCOUNT_CA = `${SERVICE_ACCOUNT_DIR}/ca.crt`;

/**
 * How a `prometheus.scrape` reads a kubelet: HTTPS with the collector's token, clustered so
 * each kubelet is scraped by one replica, and the kubelet's serving certificate not verified.
 * Most clusters' kubelets serve a self-signed certificate (kubeadm's default without
 * `serverTLSBootstrap`), which no CA can verify; Grafana's k8s-monitoring chart skips
 * verification for the kubelet and cAdvisor scrapes too
 * (grafana/k8s-monitoring-helm: charts/k8s-monitoring/charts/feature-cluster-metrics/templates/_kubelet.alloy.tpl,
 * _cadvisor.alloy.tpl). No `ca_file` here: with `insecure_skip_verify` Alloy accepts any
 * certificate, so a CA would be dead configuration (grafana/alloy@v1.18.1:
 * docs/sources/shared/reference/components/tls-config-block.md:36-37). See
 * {@link kubeletScrape} for clusters whose kubelets serve CA-signed certificates.
 */
export const KUBELET_SCRAPE = {
  scheme: 'https',
  bearerTokenFile: SERVICE_ACCOUNT_TOKEN,
  tlsConfig: { insecureSkipVerify: true },
  clustering: { enabled: true },
} as const;

/**
 * {@link KUBELET_SCRAPE}, or with `verify` the kubelet's certificate checked against the
 * cluster's CA (the ServiceAccount's `ca.crt`), for clusters whose kubelets serve certificates
 * that CA signed (`serverTLSBootstrap: true` with the serving CSRs approved). The target is the
 * node's address (its InternalIP first: prometheus/prometheus@v3.14.0:
 * discovery/kubernetes/node.go:222-228), which such a certificate names.
 */
export function kubeletScrape(verify: boolean) {
  return verify
    ? { ...KUBELET_SCRAPE, tlsConfig: { caFile: SERVICE_ACCOUNT_CA } }
    : KUBELET_SCRAPE;
}

/** Drops pods that run no containers (not yet scheduled, or finished). */
export const RUNNING_PODS_ONLY: DiscoveryRelabelRule = {
  sourceLabels: ['__meta_kubernetes_pod_phase'],
  regex: 'Pending|Succeeded|Failed|Completed',
  action: 'drop',
};

/** namespace, pod, container, node and app (from `app.kubernetes.io/name`, else `app`) labels of a discovered pod container. */
export const POD_LABEL_RULES: readonly DiscoveryRelabelRule[] = [
  { sourceLabels: ['__meta_kubernetes_namespace'], targetLabel: 'namespace' },
  { sourceLabels: ['__meta_kubernetes_pod_name'], targetLabel: 'pod' },
  { sourceLabels: ['__meta_kubernetes_pod_container_name'], targetLabel: 'container' },
  { sourceLabels: ['__meta_kubernetes_pod_node_name'], targetLabel: 'node' },
  {
    sourceLabels: ['__meta_kubernetes_pod_label_app_kubernetes_io_name', '__meta_kubernetes_pod_label_app'],
    separator: ';',
    regex: '^(?:;*)?([^;]+).*$',
    targetLabel: 'app',
  },
];

/** `job` = `<namespace>/<container>`, as Grafana's Kubernetes dashboards expect for logs. */
export const LOG_JOB_RULE: DiscoveryRelabelRule = {
  sourceLabels: ['__meta_kubernetes_namespace', '__meta_kubernetes_pod_container_name'],
  separator: '/',
  targetLabel: 'job',
};
