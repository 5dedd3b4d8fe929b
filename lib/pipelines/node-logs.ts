/**
 * Pod logs from the node's files, for a DaemonSet collector: `discovery.kubernetes` finds
 * the pods of the collector's own node (`spec.nodeName` from the `NODE_NAME` variable the
 * DaemonSet sets), `discovery.relabel` gives each container its labels and the path of its
 * files under `/var/log/pods`, `local.file_match` and `loki.source.file` tail them, and
 * `loki.process` strips the container runtime's CRI prefix before the logs go to a logs
 * destination.
 *
 * Pod Security exception (opt-in): the collector mounts the node's `/var/log/pods` read-only
 * (hostPath) and runs as root with every capability dropped, because the kubelet writes
 * pod logs readable by root only. That is the privileged level: run it in a namespace of
 * its own that allows it. The collector checks at synth that it is a DaemonSet mounting
 * `/var/log/pods` (or a directory above it). RBAC (derived): get/list/watch on pods.
 *
 * Tailing positions are kept on the collector's emptyDir: a replaced pod reads its node's
 * files again from the start (Loki drops lines it already has with the same timestamp).
 */
import { Construct } from 'constructs';
// generated components by file, so that loading the library loads only those it uses
import { DiscoveryKubernetes } from '../../imports/alloy/components/discovery-kubernetes';
import { DiscoveryRelabel } from '../../imports/alloy/components/discovery-relabel';
import { LocalFileMatch } from '../../imports/alloy/components/local-file-match';
import { LokiProcess } from '../../imports/alloy/components/loki-process';
import { LokiSourceFile } from '../../imports/alloy/components/loki-source-file';
import { Expr } from '../alloy';
import { LOG_JOB_RULE, POD_LABEL_RULES, KubernetesLogsProps, logsPipeline } from './kubernetes-common';

/** Where the kubelet writes pod logs: `<dir>/<namespace>_<pod>_<uid>/<container>/<n>.log`. */
export const POD_LOG_DIR = '/var/log/pods';

export type NodeLogsProps = KubernetesLogsProps;

export class NodeLogs extends Construct {
  public readonly source: LokiSourceFile;

  public constructor(scope: Construct, id: string, props: NodeLogsProps) {
    super(scope, id);
    const { config, namespaces, label } = logsPipeline(this, 'NodeLogs', props, 'node_logs');
    config.requireHostPath(POD_LOG_DIR, this.node.path);
    const pods = new DiscoveryKubernetes(this, 'pods', {
      label,
      role: 'pod',
      ...(namespaces ? { namespaces: { names: namespaces } } : {}),
      // only this node's pods: their files are the ones mounted here
      selectors: { role: 'pod', field: Expr.op('spec.nodeName=', '+', Expr.env('NODE_NAME')) },
    });
    const relabel = new DiscoveryRelabel(this, 'relabel', {
      label,
      targets: pods.targets,
      // every phase: the files of finished pods stay on the node until they are removed
      rule: [
        ...POD_LABEL_RULES,
        LOG_JOB_RULE,
        {
          sourceLabels: ['__meta_kubernetes_pod_uid', '__meta_kubernetes_pod_container_name'],
          separator: '/',
          targetLabel: '__path__',
          replacement: `${POD_LOG_DIR}/*$1/*.log`,
        },
      ],
    });
    const files = new LocalFileMatch(this, 'files', { label, pathTargets: relabel.output });
    const cri = new LokiProcess(this, 'cri', {
      label,
      stages: [{ cri: {} }],
      forwardTo: [props.logs.logsReceiver(config)],
    });
    this.source = new LokiSourceFile(this, 'source', {
      label,
      targets: files.targets,
      forwardTo: [cri.receiver],
    });
  }
}
