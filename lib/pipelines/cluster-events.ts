/**
 * Kubernetes events to Loki: `loki.source.kubernetes_events` watches the API server's
 * events and writes each as a logfmt line, with the labels namespace and job
 * (`integrations/kubernetes/eventhandler`, as Grafana's Kubernetes app expects). Clustered:
 * the replicas share the namespaces, so each event is read and sent once. (Run it in a
 * StatefulSet collector; the collector refuses it in a DaemonSet, or unclustered with more
 * than one replica.)
 *
 * No host access: Pod Security restricted. RBAC (derived): get/list/watch on events,
 * cluster-wide or in the listed namespaces.
 */
import { Construct } from 'constructs';
// generated components by file, so that loading the library loads only those it uses
import { LokiSourceKubernetesEvents } from '../../imports/alloy/components/loki-source-kubernetes-events';
import { KubernetesLogsProps, logsPipeline } from './kubernetes-common';

export type ClusterEventsProps = KubernetesLogsProps;

export class ClusterEvents extends Construct {
  public readonly source: LokiSourceKubernetesEvents;

  public constructor(scope: Construct, id: string, props: ClusterEventsProps) {
    super(scope, id);
    const { config, namespaces, label } = logsPipeline(this, 'ClusterEvents', props, 'cluster_events');
    this.source = new LokiSourceKubernetesEvents(this, 'source', {
      label,
      jobName: 'integrations/kubernetes/eventhandler',
      logFormat: 'logfmt',
      ...(namespaces ? { namespaces } : {}),
      forwardTo: [props.logs.logsReceiver(config)],
      clustering: { enabled: true },
    });
  }
}
