/**
 * Loki and Tempo scaled out: on object storage, a StatefulSet of replicas that share the
 * work, each with its own claim (WAL, ingester data), found by one another through a headless
 * Service (memberlist gossip on 7946/TCP, gRPC between replicas on 9095), a ServiceAccount of
 * their own (for IRSA or workload identity), a PodDisruptionBudget and a spread over nodes and
 * zones from two replicas on. On local storage a backend keeps one replica: each claim is its
 * own, so replicas could not see one another's data.
 *
 * No RBAC follows: the replicas find each other by DNS, never through the Kubernetes API.
 */
import { Construct } from 'constructs';
import { IntOrString, KubeService, KubeServiceAccount } from '../../imports/k8s';
import { assertWholeNumber } from '../validation';
import { Connections } from './connections';
import { ObjectStorage, ObjectStorageAccess, checkObjectStorage, objectStorageAccess, placeholderProblems } from './object-storage';
import { PersistentStorage, ServerWorkload, ServerWorkloadProps, workloadLabels } from './server-workload';

/** memberlist's port (dskit kv/memberlist/tcp_transport.go bind_port default, in Loki 3.7.6 and Tempo 2.10.8); TCP only. */
export const MEMBERLIST_PORT = 7946;
/** The gRPC port of Loki and Tempo (server.grpc_listen_port default), between replicas. */
export const GRPC_PORT = 9095;

/** How many replicas, on which storage: what Loki and Tempo take. */
export interface ScaleOutProps {
  /**
   * Where the data is kept, shared by every replica. With it the backend runs as a StatefulSet
   * (a claim per replica for what is not yet in the store) and may take several replicas.
   *
   * @default - a PersistentVolumeClaim: one replica
   */
  readonly objectStorage?: ObjectStorage;
  /**
   * Replicas sharing the work. More than one needs objectStorage. Three or more keep three
   * copies of what is not yet in the store, and take writes with one replica down.
   *
   * @default 1
   */
  readonly replicas?: number;
}

/** A backend on object storage: its replicas, its store, and the names its replicas meet at. */
export interface ScaleOutPlan {
  readonly replicas: number;
  readonly storage: ObjectStorage;
  readonly access: ObjectStorageAccess;
  /** `<name>-memberlist`: the headless Service, the StatefulSet's governing Service. */
  readonly serviceName: string;
  /** `<name>-memberlist.<namespace>.svc`: every replica's address, for memberlist and gRPC. */
  readonly peersHost: string;
  /** `<name>`: the ServiceAccount of the pods. */
  readonly serviceAccountName: string;
  /** How many copies of recent data the ring keeps: min(3, replicas). */
  readonly replicationFactor: number;
}

/**
 * The plan for `props`, undefined on local storage. Fails on replicas that are not a whole
 * number of at least 1, and on more than one replica without object storage.
 */
export function scaleOutPlan(subject: string, props: ScaleOutProps, name: string, namespace: string): ScaleOutPlan | undefined {
  const replicas = props.replicas ?? 1;
  assertWholeNumber(subject, 'replicas', replicas, 1);
  if (props.objectStorage === undefined) {
    if (replicas > 1) {
      throw new Error(
        `${subject}: replicas ${replicas} need object storage (got replicas ${replicas} on local storage): each replica's volume is its own, ` +
        'so replicas would neither share their data nor see one another\'s; set objectStorage, or replicas: 1',
      );
    }
    return undefined;
  }
  checkObjectStorage(subject, props.objectStorage);
  const serviceName = `${name}-memberlist`;
  return {
    replicas,
    storage: props.objectStorage,
    access: objectStorageAccess(props.objectStorage),
    serviceName,
    peersHost: `${serviceName}.${namespace}.svc`,
    serviceAccountName: name,
    // a write needs a quorum of the copies (RF / 2 + 1): three copies survive one replica down;
    // more copies than replicas can never be placed, and the ring refuses every write
    replicationFactor: Math.min(3, replicas),
  };
}

/** What the ServerWorkload of a backend on object storage takes: its controller, credentials, identity. */
export function scaleOutWorkloadProps(plan: ScaleOutPlan, data: PersistentStorage): Pick<ServerWorkloadProps, 'controller' | 'env' | 'extraVolumes' | 'podLabels' | 'serviceAccountName'> {
  return {
    controller: {
      kind: 'StatefulSet',
      serviceName: plan.serviceName,
      replicas: plan.replicas,
      storage: data,
      highAvailability: plan.replicas > 1,
      spreadOverZones: plan.replicas > 1,
    },
    env: plan.access.env.length > 0 ? plan.access.env : undefined,
    extraVolumes: plan.access.volumes,
    podLabels: plan.access.podLabels,
    serviceAccountName: plan.serviceAccountName,
  };
}

/** The `-config.expand-env=true` flag, when the config names credentials as placeholders. */
export function expandEnvArgs(plan: ScaleOutPlan | undefined): string[] {
  return plan !== undefined && plan.access.placeholders.length > 0 ? ['-config.expand-env=true'] : [];
}

export interface ScaleOutPeersProps {
  readonly plan: ScaleOutPlan;
  readonly workload: ServerWorkload;
  /** The workload's image, for the labels. */
  readonly image: string;
  readonly instance: string;
  readonly component: string;
  /** The HTTP port's name and number, so Prometheus scrapes every replica through the headless Service. */
  readonly http: { readonly name: string; readonly port: number };
  /** Whether the replicas form a ring (memberlist and gRPC between them): the container has ports `grpc` and `memberlist`. */
  readonly clustered: boolean;
}

/** The headless Service, the ServiceAccount and the connections of a backend on object storage. */
export class ScaleOutPeers extends Construct {
  /** `<name>-memberlist`: every replica, ready or not (a replica joins the ring before it is ready). */
  public readonly headlessService: KubeService;
  public readonly serviceAccount: KubeServiceAccount;

  public constructor(scope: Construct, id: string, props: ScaleOutPeersProps) {
    super(scope, id);
    const { plan, workload } = props;
    const peer = workload.peer;
    const labels = workloadLabels({ name: peer.name, instance: props.instance, component: props.component, image: props.image });
    // its own identity, for IRSA or workload identity annotations; the token is not mounted
    // (the webhooks of those project their own)
    this.serviceAccount = new KubeServiceAccount(this, 'service-account', {
      metadata: { name: plan.serviceAccountName, namespace: peer.namespace, labels },
      automountServiceAccountToken: false,
    });
    this.headlessService = new KubeService(this, 'service', {
      metadata: { name: plan.serviceName, namespace: peer.namespace, labels },
      spec: {
        clusterIp: 'None',
        publishNotReadyAddresses: true,
        selector: workload.selector,
        ports: [
          { name: props.http.name, port: props.http.port, targetPort: IntOrString.fromString(props.http.name), protocol: 'TCP', appProtocol: 'http' },
          ...(props.clustered ? [
            { name: 'grpc', port: GRPC_PORT, targetPort: IntOrString.fromString('grpc'), protocol: 'TCP', appProtocol: 'grpc' },
            { name: 'memberlist', port: MEMBERLIST_PORT, targetPort: IntOrString.fromString('memberlist'), protocol: 'TCP' },
          ] : []),
        ],
      },
    });
    const connections = Connections.of(this);
    if (props.clustered) {
      // gossip, and the replicas' gRPC: distributor to ingesters, queriers to frontends or schedulers
      connections.allow(peer, peer, MEMBERLIST_PORT);
      connections.allow(peer, peer, GRPC_PORT);
    }
    for (const e of plan.access.egress) connections.allowExternal(peer, e.port, e.reach);
  }
}

/**
 * The rendered config's stray `$`s, when it names credentials as placeholders (the env
 * expansion would replace them): for the backend's own validation.
 */
export function renderedPlaceholderProblems(subject: string, file: string, plan: ScaleOutPlan | undefined, render: () => string): string[] {
  return plan === undefined || plan.access.placeholders.length === 0 ? [] : placeholderProblems(subject, file, render(), plan.access);
}
