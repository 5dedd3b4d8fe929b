/**
 * kube-state-metrics (opt-in): one Deployment that watches the Kubernetes API and serves
 * the state of its objects (deployments' replicas, pods' phases, nodes' conditions, ...) as
 * metrics at `kube-state-metrics:8080`, for a collector to scrape (`StaticScrape` with
 * `target: kubeStateMetrics`).
 *
 * Its ClusterRole is exactly list and watch on the resources it exports. Secrets and
 * ConfigMaps are left out on purpose: exporting them needs list on every Secret of the
 * cluster. Pod Security: restricted (uid 65534).
 */
import { Construct } from 'constructs';
import { Connections } from './connections';
import { KubeClusterRole, KubeClusterRoleBinding, KubeServiceAccount } from '../../imports/k8s';
import { IScrapeTarget } from '../pipelines/static-scrape';
import { firstDuplicate } from '../validation';
import { DEFAULT_INSTANCE, WorkloadProps } from './common-props';
import { ServerWorkload, workloadLabels } from './server-workload';
import { IMAGES } from './versions';

/** The resources kube-state-metrics can export, with their API group. */
export const KSM_RESOURCES: Readonly<Record<string, string>> = {
  certificatesigningrequests: 'certificates.k8s.io',
  cronjobs: 'batch',
  daemonsets: 'apps',
  deployments: 'apps',
  endpoints: '',
  horizontalpodautoscalers: 'autoscaling',
  ingresses: 'networking.k8s.io',
  jobs: 'batch',
  leases: 'coordination.k8s.io',
  limitranges: '',
  mutatingwebhookconfigurations: 'admissionregistration.k8s.io',
  namespaces: '',
  networkpolicies: 'networking.k8s.io',
  nodes: '',
  persistentvolumeclaims: '',
  persistentvolumes: '',
  poddisruptionbudgets: 'policy',
  pods: '',
  replicasets: 'apps',
  replicationcontrollers: '',
  resourcequotas: '',
  services: '',
  statefulsets: 'apps',
  storageclasses: 'storage.k8s.io',
  validatingwebhookconfigurations: 'admissionregistration.k8s.io',
  volumeattachments: 'storage.k8s.io',
};

/** The resources exported by default: workloads, pods, nodes, storage and quotas. */
export const KSM_DEFAULT_RESOURCES: readonly string[] = [
  'cronjobs', 'daemonsets', 'deployments', 'horizontalpodautoscalers', 'jobs', 'namespaces', 'nodes', 'persistentvolumeclaims',
  'persistentvolumes', 'poddisruptionbudgets', 'pods', 'replicasets', 'resourcequotas', 'services', 'statefulsets', 'storageclasses',
];

export interface KubeStateMetricsProps extends WorkloadProps {
  /** The resources to export (and so to list and watch). @default KSM_DEFAULT_RESOURCES */
  readonly exportResources?: readonly string[];
}

const PORT = 8080;
const TELEMETRY_PORT = 8081;

export class KubeStateMetrics extends Construct implements IScrapeTarget {
  public readonly workload: ServerWorkload;
  public readonly serviceAccount: KubeServiceAccount;
  public readonly clusterRole: KubeClusterRole;
  /** `kube-state-metrics:8080`. */
  public readonly scrapeAddress: string;
  public readonly scrapeJob = 'kube-state-metrics';

  /** A collector's scrape reads it: the connection is recorded. */
  public scrapedBy(config: Construct, scrape: Construct): void {
    Connections.of(this).allowComponent(config, scrape, this.workload.peer, PORT);
  }
  /** The exported resources, sorted. */
  public readonly exportedResources: readonly string[];

  public constructor(scope: Construct, id: string, props: KubeStateMetricsProps) {
    super(scope, id);
    const name = 'kube-state-metrics';
    const instance = props.instance ?? DEFAULT_INSTANCE;
    const image = props.image ?? IMAGES.kubeStateMetrics;
    const resources = [...(props.exportResources ?? KSM_DEFAULT_RESOURCES)].sort();
    if (resources.length === 0) {
      throw new Error(`${this.node.path}: exportResources is empty (got []); name at least one resource to export, or leave it out`);
    }
    for (const r of resources) {
      if (!(r in KSM_RESOURCES)) {
        throw new Error(`${this.node.path}: kube-state-metrics cannot export "${r}"; use some of ${Object.keys(KSM_RESOURCES).join(', ')}`);
      }
    }
    const twice = firstDuplicate(resources);
    if (twice !== undefined) throw new Error(`${this.node.path}: resource "${twice}" is listed twice in exportResources; list each once`);
    this.exportedResources = resources;
    const labels = workloadLabels({ name, instance, component: 'metrics-exporter', image });

    this.serviceAccount = new KubeServiceAccount(this, 'service-account', {
      metadata: { name, namespace: props.namespace, labels },
      automountServiceAccountToken: false,
    });
    const byGroup = new Map<string, string[]>();
    for (const r of resources) byGroup.set(KSM_RESOURCES[r], [...(byGroup.get(KSM_RESOURCES[r]) ?? []), r]);
    const roleName = `${props.namespace}-${name}`;
    this.clusterRole = new KubeClusterRole(this, 'cluster-role', {
      metadata: { name: roleName, labels },
      rules: [...byGroup].sort(([a], [b]) => a.localeCompare(b)).map(([group, res]) => ({ apiGroups: [group], resources: res, verbs: ['list', 'watch'] })),
    });
    new KubeClusterRoleBinding(this, 'cluster-role-binding', {
      metadata: { name: roleName, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: roleName },
      subjects: [{ kind: 'ServiceAccount', name, namespace: props.namespace }],
    });
    this.workload = new ServerWorkload(this, 'server', {
      namespace: props.namespace,
      name,
      instance,
      component: 'metrics-exporter',
      image,
      args: [`--port=${PORT}`, `--telemetry-port=${TELEMETRY_PORT}`, `--resources=${resources.join(',')}`],
      ports: [
        { name: 'http-metrics', port: PORT, appProtocol: 'http' },
        { name: 'telemetry', port: TELEMETRY_PORT, appProtocol: 'http' },
      ],
      readiness: { path: '/readyz', port: 'telemetry' },
      liveness: { path: '/livez', port: 'http-metrics' },
      runAs: { uid: 65534, gid: 65534 },
      resources: props.resources ?? { requests: { cpu: '50m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
      controller: { kind: 'Deployment' },
      serviceAccountName: name,
      automountServiceAccountToken: true,
    });
    this.scrapeAddress = `${this.workload.host}:${PORT}`;
    // it watches the objects it exports through the API server
    for (const port of [443, 6443]) Connections.of(this).allowExternal(this.workload.peer, port, 'api-server');
  }
}
