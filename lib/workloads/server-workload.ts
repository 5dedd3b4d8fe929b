/**
 * One server process as Kubernetes objects: its config files in a ConfigMap, a Deployment,
 * StatefulSet or DaemonSet running its pods (pod-template.ts: the restricted Pod Security
 * profile), and a Service in front of it.
 * Every workload of the stack (Alloy and the backends) is built on this.
 */
import { Construct } from 'constructs';
import {
  IntOrString, KubeConfigMap, KubeDaemonSet, KubeDeployment, KubeHorizontalPodAutoscalerV2, KubePersistentVolumeClaim, KubePodDisruptionBudget,
  KubeService, KubeStatefulSet, Quantity, Volume, VolumeMount,
} from '../../imports/k8s';
import { Peer } from './connections';
import { HttpProbe, PodProps, PodVolume, podTemplate } from './pod-template';
import { Resources } from './resources';
import { assertDnsLabel, assertPort, assertWholeNumber, durationText, parseDuration, parseSize } from '../validation';

/** A port the container listens on, also exposed by the Service. */
export interface ServerPort {
  /** IANA-style port name, such as "otlp-grpc". */
  readonly name: string;
  readonly port: number;
  /** The Service port's appProtocol ("grpc", "http"). @default - none */
  readonly appProtocol?: string;
  /** Whether the Service exposes it; a port only the pods use among themselves (gossip) is not. @default true */
  readonly onService?: boolean;
}

/** A PersistentVolumeClaim `<name>-data`, mounted at `mountPath`. */
export interface PersistentStorage {
  readonly mountPath: string;
  /** Requested size, a Kubernetes quantity such as "10Gi". */
  readonly size: string;
  /** @default - the cluster's default StorageClass */
  readonly storageClassName?: string;
}

/**
 * A replica count that a HorizontalPodAutoscaler (`autoscaling/v2`) sets from the pods' CPU and
 * memory, measured against their requests, between `minReplicas` and `maxReplicas`. Replicas are
 * added as fast as Kubernetes' default allows, and removed one at a time, at most one every 5
 * minutes, once the load has been low for `scaleDownStabilization`. The cluster must serve the
 * resource metrics API (metrics-server), or the autoscaler holds the count where it is.
 */
export interface WorkloadAutoscaling {
  /** The fewest replicas, a whole number of at least 1. */
  readonly minReplicas: number;
  /** The most replicas, a whole number of at least `minReplicas`. */
  readonly maxReplicas: number;
  /** The average CPU use the autoscaler keeps, in percent of the CPU request (1 to 100). @default 70 */
  readonly targetCpuUtilization?: number;
  /** The average memory use the autoscaler keeps, in percent of the memory request (1 to 100). @default 80 */
  readonly targetMemoryUtilization?: number;
  /**
   * How long the load must have called for fewer replicas before one is removed (the scale-down
   * stabilization window): a duration such as "30m", in whole seconds, at most "1h" (the
   * Kubernetes API's limit).
   *
   * @default "30m"
   */
  readonly scaleDownStabilization?: string;
}

/** `WorkloadAutoscaling` with its defaults, checked, as the autoscaler is rendered. */
export interface ResolvedAutoscaling {
  readonly minReplicas: number;
  readonly maxReplicas: number;
  readonly targetCpuUtilization: number;
  readonly targetMemoryUtilization: number;
  /** The scale-down stabilization window, in seconds. */
  readonly scaleDownStabilizationSeconds: number;
}

/** At most one replica is removed per this many seconds. */
export const SCALE_DOWN_PERIOD_SECONDS = 300;
/** The Kubernetes API's limit of a stabilization window (HPAScalingRules). */
const MAX_STABILIZATION_SECONDS = 3600;

/**
 * `autoscaling` with its defaults, or the first thing wrong with it: whole bounds with
 * 1 <= min <= max, targets from 1 to 100, a stabilization window of whole seconds up to 1h,
 * and the requests the targets are measured against. `subject` names the construct in errors.
 */
export function resolveAutoscaling(subject: string, autoscaling: WorkloadAutoscaling, resources: Resources): ResolvedAutoscaling {
  const { minReplicas, maxReplicas } = autoscaling;
  assertWholeNumber(subject, 'autoscaling.minReplicas', minReplicas, 1);
  assertWholeNumber(subject, 'autoscaling.maxReplicas', maxReplicas, 1);
  if (maxReplicas < minReplicas) {
    throw new Error(`${subject}: autoscaling.maxReplicas (got ${maxReplicas}) is below minReplicas (got ${minReplicas}); make maxReplicas at least ${minReplicas}`);
  }
  const target = (what: 'targetCpuUtilization' | 'targetMemoryUtilization', fallback: number): number => {
    const value = autoscaling[what] ?? fallback;
    if (!Number.isInteger(value) || value < 1 || value > 100) {
      throw new Error(`${subject}: autoscaling.${what} is a percentage of the container's requests (got ${value}); use a whole number from 1 to 100`);
    }
    return value;
  };
  const targetCpuUtilization = target('targetCpuUtilization', 70);
  const targetMemoryUtilization = target('targetMemoryUtilization', 80);
  // utilization is use divided by the request: a zero request leaves it undefined, and the
  // autoscaler does not act
  for (const kind of ['cpu', 'memory'] as const) {
    if (/^0*(\.0*)?[A-Za-z]*$/.test(resources.requests[kind])) {
      throw new Error(
        `${subject}: autoscaling measures ${kind} against the container's request, which is zero (got requests.${kind} ${JSON.stringify(resources.requests[kind])}); ` +
        `set requests.${kind} above zero`,
      );
    }
  }
  const text = autoscaling.scaleDownStabilization ?? '30m';
  const ms = parseDuration(subject, 'autoscaling.scaleDownStabilization', text);
  if (ms % 1000 !== 0 || ms > MAX_STABILIZATION_SECONDS * 1000) {
    throw new Error(
      `${subject}: autoscaling.scaleDownStabilization must be whole seconds up to 1h, the Kubernetes API's limit (got ${JSON.stringify(text)}); ` +
      `use such as "30m" or "${durationText(MAX_STABILIZATION_SECONDS)}"`,
    );
  }
  return { minReplicas, maxReplicas, targetCpuUtilization, targetMemoryUtilization, scaleDownStabilizationSeconds: ms / 1000 };
}

/** Replicas, and how they are spread: what a Deployment and a StatefulSet both take. */
export interface ReplicatedController {
  /** @default 1 */
  readonly replicas?: number;
  /**
   * Let a HorizontalPodAutoscaler set the replica count instead of `replicas` (not both). The
   * workload's manifest then has no `spec.replicas`, so that applying it again (kubectl apply,
   * an Argo CD sync) never resets what the autoscaler set.
   *
   * @default - a fixed count, `replicas`
   */
  readonly autoscaling?: WorkloadAutoscaling;
  /** Spread replicas across nodes, and keep at most one of them down during voluntary disruptions (a PodDisruptionBudget). @default false */
  readonly highAvailability?: boolean;
  /** With highAvailability, spread replicas across zones too (`topology.kubernetes.io/zone`), where the cluster has them. @default false */
  readonly spreadOverZones?: boolean;
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

/** One server process: a ServerWorkload's pods (see PodProps), what runs them and its Service. */
export interface ServerWorkloadProps extends PodProps {
  readonly namespace: string;
  /** Name of the Deployment, StatefulSet or DaemonSet, the Service and the label `app.kubernetes.io/name`. */
  readonly name: string;
  /** `app.kubernetes.io/instance`: which stack this belongs to. */
  readonly instance: string;
  /** `app.kubernetes.io/component`, such as "collector" or "traces-backend". */
  readonly component: string;
  readonly ports: readonly ServerPort[];
  readonly readiness: HttpProbe;
  /** Config files: a ConfigMap `<name>-config` mounted read-only at `mountPath`. @default - no config files */
  readonly configFiles?: { readonly mountPath: string; readonly data: Record<string, string> };
  /** More volumes and where to mount them (Secrets, more ConfigMaps). @default - none */
  readonly extraVolumes?: ReadonlyArray<{ readonly volume: Volume; readonly mount: VolumeMount }>;
  /**
   * What runs the pods: a Deployment, a StatefulSet or a DaemonSet, with what each can take.
   *
   * @default - a Deployment of one replica, without persistent storage
   */
  readonly controller?: WorkloadController;
  /** @default - none */
  readonly podAnnotations?: Record<string, string>;
  /** Labels of the pods beside the standard ones (not in the selector). @default - none */
  readonly podLabels?: Record<string, string>;
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
  /** The HorizontalPodAutoscaler, with autoscaling. */
  public readonly autoscaler?: KubeHorizontalPodAutoscalerV2;
  /** The autoscaling as rendered, with its defaults, when on. */
  public readonly autoscaling?: ResolvedAutoscaling;
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

    const controller: WorkloadController = props.controller ?? { kind: 'Deployment' };
    const replicas = controller.kind === 'DaemonSet' ? 1 : controller.replicas ?? 1;
    assertWholeNumber(subject, 'replicas', replicas, 1);
    if (controller.kind !== 'DaemonSet' && controller.autoscaling !== undefined) {
      if (controller.replicas !== undefined) {
        throw new Error(
          `${subject}: replicas (got ${controller.replicas}) and autoscaling both set the replica count; ` +
          'drop replicas: the HorizontalPodAutoscaler keeps it between autoscaling.minReplicas and maxReplicas',
        );
      }
      this.autoscaling = resolveAutoscaling(subject, controller.autoscaling, props.resources);
    }
    const autoscaling = this.autoscaling;
    /** The most replicas the workload may run. */
    const mostReplicas = autoscaling?.maxReplicas ?? replicas;
    const storage = controller.kind === 'DaemonSet' ? undefined : controller.storage;
    const highAvailability = controller.kind !== 'DaemonSet' && controller.highAvailability === true;
    let claimTemplates: Array<{ metadata: { name: string; labels: Record<string, string> }; spec: object }> | undefined;
    const data: PodVolume[] = [];
    if (storage !== undefined) {
      // a size, with size examples ("10Gi", "500Mi")
      parseSize(subject, 'storage size', storage.size, 'kubernetes');
      const claimSpec = {
        accessModes: ['ReadWriteOnce'],
        storageClassName: storage.storageClassName,
        resources: { requests: { storage: Quantity.fromString(storage.size) } },
      };
      const mount = { name: 'data', mountPath: storage.mountPath };
      if (controller.kind === 'StatefulSet') {
        claimTemplates = [{ metadata: { name: 'data', labels: this.selector }, spec: claimSpec }];
        data.push({ mount });
      } else {
        if (mostReplicas > 1) {
          const got = autoscaling ? `autoscaling.maxReplicas ${mostReplicas}` : `replicas ${replicas}`;
          throw new Error(`${subject}: ${mostReplicas} replicas cannot share one ReadWriteOnce volume (got ${got} with storage); run a StatefulSet or one replica`);
        }
        const claimName = `${props.name}-data`;
        this.persistentVolumeClaim = new KubePersistentVolumeClaim(this, 'data', { metadata: metadata(claimName), spec: claimSpec });
        data.push({ volume: { name: 'data', persistentVolumeClaim: { claimName } }, mount });
      }
    }
    const template = podTemplate(subject, {
      ...props,
      labels: { ...props.podLabels, ...labels },
      annotations: props.podAnnotations,
      configMap: props.configFiles && { volumeName: 'config', name: configName, mountPath: props.configFiles.mountPath },
      volumes: [...data, ...(props.extraVolumes ?? [])],
      spreadSelector: highAvailability ? this.selector : undefined,
      spreadOverZones: controller.kind !== 'DaemonSet' && highAvailability && controller.spreadOverZones === true,
    });
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
          // with an autoscaler, the count is its own: a manifest that states one would reset it
          // on every apply (the API server defaults a new object's to 1, the autoscaler raises it)
          replicas: autoscaling ? undefined : replicas,
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
          replicas: autoscaling ? undefined : replicas,
          revisionHistoryLimit: 3,
          // a ReadWriteOnce volume can be attached to one pod only: stop the old pod first
          strategy: storage !== undefined ? { type: 'Recreate' } : undefined,
          selector: { matchLabels: this.selector },
          template,
        },
      });
    }
    if (autoscaling) {
      this.autoscaler = new KubeHorizontalPodAutoscalerV2(this, 'autoscaler', {
        metadata: metadata(props.name),
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: this.workload.kind, name: props.name },
          minReplicas: autoscaling.minReplicas,
          maxReplicas: autoscaling.maxReplicas,
          metrics: (['cpu', 'memory'] as const).map((name) => ({
            type: 'Resource',
            resource: {
              name,
              target: { type: 'Utilization', averageUtilization: name === 'cpu' ? autoscaling.targetCpuUtilization : autoscaling.targetMemoryUtilization },
            },
          })),
          // scale out as Kubernetes does by default (at once, doubling or 4 pods per 15s); scale
          // in only after the stabilization window, one replica at a time
          behavior: {
            scaleDown: {
              stabilizationWindowSeconds: autoscaling.scaleDownStabilizationSeconds,
              policies: [{ type: 'Pods', value: 1, periodSeconds: SCALE_DOWN_PERIOD_SECONDS }],
            },
          },
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
        ports: props.ports.filter((p) => p.onService !== false).map((p) => ({
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
