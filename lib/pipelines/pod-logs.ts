/**
 * Pod logs through the Kubernetes API: `discovery.kubernetes` finds the pods,
 * `discovery.relabel` gives each container the labels namespace, pod, container, node, app
 * and job (`<namespace>/<container>`), and `loki.source.kubernetes` streams their logs from
 * the API server (the same endpoint as `kubectl logs`) to a logs destination. Clustered, so
 * with several replicas each pod is read by one of them.
 *
 * No host access: Pod Security restricted. RBAC (derived): get/list/watch on pods and
 * pods/log, cluster-wide, or in the listed namespaces only for discovery.
 *
 * Compared with tailing files on each node (NodeLogs), this needs no DaemonSet and no
 * hostPath, at the price of load on the API server; for very large clusters tail the files.
 */
import { Construct } from 'constructs';
// generated components by file, so that loading the library loads only those it uses
import { DiscoveryKubernetes } from '../../imports/alloy/components/discovery-kubernetes';
import { DiscoveryRelabel } from '../../imports/alloy/components/discovery-relabel';
import { LokiSourceKubernetes } from '../../imports/alloy/components/loki-source-kubernetes';
import { LOG_JOB_RULE, POD_LABEL_RULES, KubernetesLogsProps, logsPipeline } from './kubernetes-common';

export type PodLogsProps = KubernetesLogsProps;

export class PodLogs extends Construct {
  public readonly source: LokiSourceKubernetes;

  public constructor(scope: Construct, id: string, props: PodLogsProps) {
    super(scope, id);
    const { config, namespaces, label } = logsPipeline(this, 'PodLogs', props, 'pod_logs');
    const pods = new DiscoveryKubernetes(this, 'pods', {
      label,
      role: 'pod',
      ...(namespaces ? { namespaces: { names: namespaces } } : {}),
    });
    const relabel = new DiscoveryRelabel(this, 'relabel', {
      label,
      targets: pods.targets,
      // every phase: a finished Job's last lines and init containers' logs are read too
      rule: [...POD_LABEL_RULES, LOG_JOB_RULE],
    });
    this.source = new LokiSourceKubernetes(this, 'source', {
      label,
      targets: relabel.output,
      forwardTo: [props.logs.logsReceiver(config)],
      clustering: { enabled: true },
    });
  }
}
