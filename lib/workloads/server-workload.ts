/**
 * One server process as Kubernetes objects: its config files in a ConfigMap, a Deployment
 * running it under the restricted Pod Security profile, and a Service in front of it.
 * Every workload of the stack (Alloy and the backends) is built on this.
 */
import { Construct } from 'constructs';
import {
  Container, EnvVar, IntOrString, KubeConfigMap, KubeDaemonSet, KubeDeployment, KubePersistentVolumeClaim, KubePodDisruptionBudget, KubeService,
  KubeStatefulSet, Probe, Quantity, Volume, VolumeMount,
} from '../../imports/k8s';
import { Peer } from './connections';
import { RunAs, exceptionContainerSecurityContext, exceptionPodSecurityContext, restrictedContainerSecurityContext, restrictedPodSecurityContext } from './pod-security';
import { Resources, toResourceRequirements } from './resources';
import { assertDnsLabel, assertPort, assertQuantity, assertWholeNumber, firstDuplicate } from '../validation';

/** A port the container listens on, also exposed by the Service. */
export interface ServerPort {
  /** IANA-style port name, such as "otlp-grpc". */
  readonly name: string;
  readonly port: number;
  /** The Service port's appProtocol ("grpc", "http"). @default - none */
  readonly appProtocol?: string;
}

/** An HTTP GET probe. */
export interface HttpProbe {
  readonly path: string;
  /** The name of one of the ports. */
  readonly port: string;
}

/** A PersistentVolumeClaim `<name>-data`, mounted at `mountPath`. */
export interface PersistentStorage {
  readonly mountPath: string;
  /** Requested size, a Kubernetes quantity such as "10Gi". */
  readonly size: string;
  /** @default - the cluster's default StorageClass */
  readonly storageClassName?: string;
}

/** A writable directory, backed by an emptyDir volume. */
export interface WritablePath {
  /** Volume name (a DNS label). */
  readonly name: string;
  readonly mountPath: string;
}

/** Replicas, and how they are spread: what a Deployment and a StatefulSet both take. */
export interface ReplicatedController {
  /** @default 1 */
  readonly replicas?: number;
  /** Spread replicas across nodes, and keep at most one of them down during voluntary disruptions (a PodDisruptionBudget). @default false */
  readonly highAvailability?: boolean;
}

/** A Deployment. */
export interface DeploymentController extends ReplicatedController {
  readonly kind: 'Deployment';
  /**
   * Data that must survive restarts: a PersistentVolumeClaim `<name>-data` (ReadWriteOnce),
   * so the Deployment keeps one replica and replaces its pod with the Recreate strategy.
   *
   * @default - no persistent volume
   */
  readonly storage?: PersistentStorage;
}

/**
 * A StatefulSet: `storage` becomes a volume claim template (one claim per pod,
 * `<claim>-<name>-<n>`), pods get stable names under the headless Service `serviceName`.
 */
export interface StatefulSetController extends ReplicatedController {
  readonly kind: 'StatefulSet';
  /** The governing headless Service. */
  readonly serviceName: string;
  /** @default - no persistent volume */
  readonly storage?: PersistentStorage;
}

/**
 * A DaemonSet: one pod on every node. It takes no replicas and no storage (a node-local pod
 * keeps its state in an emptyDir).
 */
export interface DaemonSetController {
  readonly kind: 'DaemonSet';
}

/** What runs a workload's pods. */
export type WorkloadController = DeploymentController | StatefulSetController | DaemonSetController;

export interface ServerWorkloadProps {
  readonly namespace: string;
  /** Name of the Deployment, the Service and the label `app.kubernetes.io/name`. */
  readonly name: string;
  /** `app.kubernetes.io/instance`: which stack this belongs to. */
  readonly instance: string;
  /** `app.kubernetes.io/component`, such as "collector" or "traces-backend". */
  readonly component: string;
  readonly image: string;
  /** @default - the image's own command arguments */
  readonly args?: string[];
  /** @default - none */
  readonly env?: EnvVar[];
  readonly ports: readonly ServerPort[];
  readonly readiness: HttpProbe;
  /** @default - no liveness probe */
  readonly liveness?: HttpProbe;
  readonly runAs: RunAs;
  readonly resources: Resources;
  /** Config files: a ConfigMap `<name>-config` mounted read-only at `mountPath`. @default - no config files */
  readonly configFiles?: { readonly mountPath: string; readonly data: Record<string, string> };
  /** Writable directories; `/tmp` is always added. @default - only /tmp */
  readonly writablePaths?: readonly WritablePath[];
  /** More volumes and where to mount them (Secrets, more ConfigMaps). @default - none */
  readonly extraVolumes?: ReadonlyArray<{ readonly volume: Volume; readonly mount: VolumeMount }>;
  /**
   * What runs the pods: a Deployment, a StatefulSet or a DaemonSet, with what each can take.
   *
   * @default - a Deployment of one replica, without persistent storage
   */
  readonly controller?: WorkloadController;
  /** Time a pod gets to finish (flush queues) after SIGTERM. @default - Kubernetes' 30s */
  readonly terminationGracePeriodSeconds?: number;
  /** @default - the namespace's default ServiceAccount, with no token mounted */
  readonly serviceAccountName?: string;
  /** Mount the ServiceAccount's token (only for workloads that call the Kubernetes API). @default false */
  readonly automountServiceAccountToken?: boolean;
  /** @default - none */
  readonly podAnnotations?: Record<string, string>;
  /**
   * A stated exception to the restricted Pod Security profile: the container runs as root
   * with only the listed capabilities added (ALL others dropped, no privilege escalation,
   * read-only root filesystem, seccomp RuntimeDefault kept). Give the reason; it is written
   * to the pod's annotation `cdk8s-alloy/pod-security-exception`.
   *
   * @default - the restricted profile
   */
  readonly securityException?: { readonly reason: string; readonly addCapabilities: readonly string[] };
}

/** The standard labels of one workload. */
export function workloadLabels(props: Pick<ServerWorkloadProps, 'name' | 'instance' | 'component' | 'image'>): Record<string, string> {
  const version = props.image.includes(':') ? props.image.slice(props.image.lastIndexOf(':') + 1) : 'latest';
  return {
    'app.kubernetes.io/name': props.name,
    'app.kubernetes.io/instance': props.instance,
    'app.kubernetes.io/component': props.component,
    'app.kubernetes.io/version': version,
    'app.kubernetes.io/part-of': 'cdk8s-alloy',
    'app.kubernetes.io/managed-by': 'cdk8s',
  };
}

export class ServerWorkload extends Construct {
  /** The ConfigMap of `configFiles`, if any. */
  public readonly configMap?: KubeConfigMap;
  /** The claim of `storage`, if any. */
  public readonly persistentVolumeClaim?: KubePersistentVolumeClaim;
  /** The Deployment, StatefulSet or DaemonSet. */
  public readonly workload: KubeDeployment | KubeStatefulSet | KubeDaemonSet;
  /** The PodDisruptionBudget, with highAvailability. */
  public readonly disruptionBudget?: KubePodDisruptionBudget;
  public readonly service: KubeService;
  /** Labels that select this workload's pods. */
  public readonly selector: Record<string, string>;
  /** The ports of the container and the Service. */
  public readonly ports: readonly ServerPort[];
  /** The workload's pods, for the connections recorded to and from them. */
  public readonly peer: Peer;
  /** Its role: `app.kubernetes.io/component`, such as "collector" or "traces-backend". */
  public readonly role: string;

  public constructor(scope: Construct, id: string, props: ServerWorkloadProps) {
    super(scope, id);
    const subject = this.node.path;
    assertDnsLabel(subject, 'name', props.name);
    assertDnsLabel(subject, 'namespace', props.namespace);
    props.ports.forEach((p) => assertPort(subject, `port ${p.name}`, p.port));
    const portNames = new Set(props.ports.map((p) => p.name));
    for (const probe of [props.readiness, props.liveness]) {
      if (probe !== undefined && !portNames.has(probe.port)) {
        throw new Error(`${subject}: probe port "${probe.port}" is not one of the container's ports; use one of ${[...portNames].join(', ')}`);
      }
    }

    this.ports = [...props.ports];
    const labels = workloadLabels(props);
    this.selector = {
      'app.kubernetes.io/name': props.name,
      'app.kubernetes.io/instance': props.instance,
    };
    const metadata = (name: string) => ({ name, namespace: props.namespace, labels });
    this.peer = { name: props.name, namespace: props.namespace, selector: this.selector };
    this.role = props.component;

    const configName = `${props.name}-config`;
    if (props.configFiles !== undefined) {
      this.configMap = new KubeConfigMap(this, 'config', { metadata: metadata(configName), data: props.configFiles.data });
    }

    const writable = [{ name: 'tmp', mountPath: '/tmp' }, ...(props.writablePaths ?? [])];
    const volumes: Volume[] = [
      ...(props.configFiles !== undefined ? [{ name: 'config', configMap: { name: configName } }] : []),
      ...writable.map((w) => ({ name: w.name, emptyDir: {} })),
    ];
    const volumeMounts: VolumeMount[] = [
      ...(props.configFiles !== undefined ? [{ name: 'config', mountPath: props.configFiles.mountPath, readOnly: true }] : []),
      ...writable.map((w) => ({ name: w.name, mountPath: w.mountPath })),
    ];
    const controller: WorkloadController = props.controller ?? { kind: 'Deployment' };
    const replicas = controller.kind === 'DaemonSet' ? 1 : controller.replicas ?? 1;
    assertWholeNumber(subject, 'replicas', replicas, 1);
    const storage = controller.kind === 'DaemonSet' ? undefined : controller.storage;
    const highAvailability = controller.kind !== 'DaemonSet' && controller.highAvailability === true;
    let claimTemplates: Array<{ metadata: { name: string; labels: Record<string, string> }; spec: object }> | undefined;
    if (storage !== undefined) {
      assertQuantity(subject, 'storage size', storage.size);
      const claimSpec = {
        accessModes: ['ReadWriteOnce'],
        storageClassName: storage.storageClassName,
        resources: { requests: { storage: Quantity.fromString(storage.size) } },
      };
      if (controller.kind === 'StatefulSet') {
        claimTemplates = [{ metadata: { name: 'data', labels: this.selector }, spec: claimSpec }];
      } else {
        if (replicas > 1) {
          throw new Error(`${subject}: ${replicas} replicas cannot share one ReadWriteOnce volume (got replicas ${replicas} with storage); run a StatefulSet or one replica`);
        }
        const claimName = `${props.name}-data`;
        this.persistentVolumeClaim = new KubePersistentVolumeClaim(this, 'data', { metadata: metadata(claimName), spec: claimSpec });
        volumes.push({ name: 'data', persistentVolumeClaim: { claimName } });
      }
      volumeMounts.push({ name: 'data', mountPath: storage.mountPath });
    }
    for (const extra of props.extraVolumes ?? []) {
      volumes.push(extra.volume);
      volumeMounts.push(extra.mount);
    }
    const names = volumes.map((v) => v.name);
    const twice = firstDuplicate(names);
    if (twice !== undefined) {
      throw new Error(`${subject}: two volumes named "${twice}"; give each volume its own name`);
    }
    const httpProbe = (probe: HttpProbe, extra: Partial<Probe>): Probe => ({
      httpGet: { path: probe.path, port: IntOrString.fromString(probe.port) },
      ...extra,
    });
    const container: Container = {
      name: props.name,
      image: props.image,
      imagePullPolicy: 'IfNotPresent',
      args: props.args,
      env: props.env,
      ports: props.ports.map((p) => ({ name: p.name, containerPort: p.port, protocol: 'TCP' })),
      readinessProbe: httpProbe(props.readiness, { initialDelaySeconds: 5, periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 3 }),
      livenessProbe: props.liveness && httpProbe(props.liveness, { initialDelaySeconds: 30, periodSeconds: 30, timeoutSeconds: 5, failureThreshold: 5 }),
      resources: toResourceRequirements(subject, props.resources),
      securityContext: props.securityException === undefined
        ? restrictedContainerSecurityContext(props.runAs)
        : exceptionContainerSecurityContext(props.securityException.addCapabilities),
      volumeMounts,
    };

    const podSpec = {
      serviceAccountName: props.serviceAccountName,
      automountServiceAccountToken: props.automountServiceAccountToken ?? false,
      enableServiceLinks: false,
      terminationGracePeriodSeconds: props.terminationGracePeriodSeconds,
      securityContext: props.securityException === undefined ? restrictedPodSecurityContext(props.runAs) : exceptionPodSecurityContext(),
      // spread replicas over nodes where the cluster can; never block scheduling on it
      topologySpreadConstraints: highAvailability ? [{
        maxSkew: 1,
        topologyKey: 'kubernetes.io/hostname',
        whenUnsatisfiable: 'ScheduleAnyway',
        labelSelector: { matchLabels: this.selector },
      }] : undefined,
      containers: [container],
      volumes,
    };
    const annotations = props.securityException === undefined
      ? props.podAnnotations
      : { ...props.podAnnotations, 'cdk8s-alloy/pod-security-exception': props.securityException.reason };
    const template = { metadata: { labels, annotations }, spec: podSpec };
    if (controller.kind === 'DaemonSet') {
      this.workload = new KubeDaemonSet(this, 'daemonset', {
        metadata: metadata(props.name),
        spec: {
          revisionHistoryLimit: 3,
          selector: { matchLabels: this.selector },
          // one node at a time, so a bad rollout stops at the first node
          updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: IntOrString.fromNumber(1) } },
          template,
        },
      });
    } else if (controller.kind === 'StatefulSet') {
      this.workload = new KubeStatefulSet(this, 'statefulset', {
        metadata: metadata(props.name),
        spec: {
          replicas,
          serviceName: controller.serviceName,
          // replicas are peers: start and stop them together, not one by one
          podManagementPolicy: 'Parallel',
          revisionHistoryLimit: 3,
          selector: { matchLabels: this.selector },
          template,
          volumeClaimTemplates: claimTemplates,
          persistentVolumeClaimRetentionPolicy: claimTemplates ? { whenDeleted: 'Retain', whenScaled: 'Retain' } : undefined,
        },
      });
    } else {
      this.workload = new KubeDeployment(this, 'deployment', {
        metadata: metadata(props.name),
        spec: {
          replicas,
          revisionHistoryLimit: 3,
          // a ReadWriteOnce volume can be attached to one pod only: stop the old pod first
          strategy: storage !== undefined ? { type: 'Recreate' } : undefined,
          selector: { matchLabels: this.selector },
          template,
        },
      });
    }
    if (highAvailability) {
      this.disruptionBudget = new KubePodDisruptionBudget(this, 'disruption-budget', {
        metadata: metadata(props.name),
        spec: { maxUnavailable: IntOrString.fromNumber(1), selector: { matchLabels: this.selector } },
      });
    }

    this.service = new KubeService(this, 'service', {
      metadata: metadata(props.name),
      spec: {
        type: 'ClusterIP',
        selector: this.selector,
        ports: props.ports.map((p) => ({
          name: p.name,
          port: p.port,
          targetPort: IntOrString.fromString(p.name),
          protocol: 'TCP',
          appProtocol: p.appProtocol,
        })),
      },
    });
  }

  /** The number of the port named `name`. */
  public port(name: string): number {
    const p = this.ports.find((x) => x.name === name);
    if (p === undefined) {
      throw new Error(`${this.node.path}: no port named "${name}"; use one of ${this.ports.map((x) => x.name).join(', ')}`);
    }
    return p.port;
  }

  /** The Service's in-namespace host name. */
  public get host(): string {
    return this.service.name;
  }
}
