/**
 * The pod template of one container, as every pod of the library runs it (the workloads and the
 * smoke test's Job): the restricted Pod Security profile (or a stated exception), no service
 * links, no ServiceAccount token unless asked, a writable `/tmp`, config files read-only,
 * validated resources.
 */
import { Container, EnvVar, IntOrString, PodSpec, PodTemplateSpec, Probe, Volume, VolumeMount } from '../../imports/k8s';
import { firstDuplicate } from '../validation';
import { RunAs, exceptionContainerSecurityContext, exceptionPodSecurityContext, restrictedContainerSecurityContext, restrictedPodSecurityContext } from './pod-security';
import { Resources, toResourceRequirements } from './resources';
/** An HTTP GET probe. */
export interface HttpProbe {
  readonly path: string;
  /** The name of one of the ports. */
  readonly port: string;
}

/** A writable directory, backed by an emptyDir volume. */
export interface WritablePath {
  /** Volume name (a DNS label). */
  readonly name: string;
  readonly mountPath: string;
}

/** A volume and where the container mounts it; a mount alone for a StatefulSet's claim template. */
export interface PodVolume {
  /** @default - none: the volume comes from elsewhere (a volume claim template) */
  readonly volume?: Volume;
  readonly mount: VolumeMount;
}

/** What the container runs and how: the props a ServerWorkload passes through to its pods. */
export interface PodProps {
  readonly image: string;
  /** @default - the image's own command arguments */
  readonly args?: string[];
  /** @default - none */
  readonly env?: EnvVar[];
  /** @default - no liveness probe */
  readonly liveness?: HttpProbe;
  readonly runAs: RunAs;
  readonly resources: Resources;
  /** Writable directories; `/tmp` is always added. @default - only /tmp */
  readonly writablePaths?: readonly WritablePath[];
  /** Time a pod gets to finish (flush queues) after SIGTERM. @default - Kubernetes' 30s */
  readonly terminationGracePeriodSeconds?: number;
  /** @default - the namespace's default ServiceAccount, with no token mounted */
  readonly serviceAccountName?: string;
  /** Mount the ServiceAccount's token (only for workloads that call the Kubernetes API). @default false */
  readonly automountServiceAccountToken?: boolean;
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

export interface PodTemplateProps extends PodProps {
  /** The container's name. */
  readonly name: string;
  /** Labels of the pods. */
  readonly labels: Record<string, string>;
  /** @default - none */
  readonly annotations?: Record<string, string>;
  /** @default - the image's entrypoint */
  readonly command?: string[];
  /** Ports the container listens on (TCP). @default - none */
  readonly ports?: ReadonlyArray<{ readonly name: string; readonly port: number }>;
  /** @default - no readiness probe */
  readonly readiness?: HttpProbe;
  /** A ConfigMap mounted read-only at `mountPath`, as the volume `volumeName`. @default - none */
  readonly configMap?: { readonly volumeName: string; readonly name: string; readonly mountPath: string };
  /** More volumes, after the config and the writable paths. @default - none */
  readonly volumes?: readonly PodVolume[];
  /** @default - Kubernetes' Always */
  readonly restartPolicy?: string;
  /** Spread the pods these labels select over nodes, where the cluster can. @default - no spread */
  readonly spreadSelector?: Record<string, string>;
  /** With spreadSelector, spread them over zones too. @default false */
  readonly spreadOverZones?: boolean;
}

const httpProbe = (probe: HttpProbe, extra: Partial<Probe>): Probe => ({
  httpGet: { path: probe.path, port: IntOrString.fromString(probe.port) },
  ...extra,
});

/** The pod template of `props`; `subject` names the construct in errors. */
export function podTemplate(subject: string, props: PodTemplateProps): PodTemplateSpec {
  const writable = [{ name: 'tmp', mountPath: '/tmp' }, ...(props.writablePaths ?? [])];
  const all: PodVolume[] = [
    ...(props.configMap !== undefined ? [{
      volume: { name: props.configMap.volumeName, configMap: { name: props.configMap.name } },
      mount: { name: props.configMap.volumeName, mountPath: props.configMap.mountPath, readOnly: true },
    }] : []),
    ...writable.map((w) => ({ volume: { name: w.name, emptyDir: {} }, mount: { name: w.name, mountPath: w.mountPath } })),
    ...(props.volumes ?? []),
  ];
  const volumes = all.flatMap((v) => (v.volume !== undefined ? [v.volume] : []));
  const twice = firstDuplicate(volumes.map((v) => v.name));
  if (twice !== undefined) {
    throw new Error(`${subject}: two volumes named "${twice}"; give each volume its own name`);
  }
  const exception = props.securityException;
  const container: Container = {
    name: props.name,
    image: props.image,
    imagePullPolicy: 'IfNotPresent',
    command: props.command,
    args: props.args,
    env: props.env,
    ports: props.ports?.map((p) => ({ name: p.name, containerPort: p.port, protocol: 'TCP' })),
    readinessProbe: props.readiness && httpProbe(props.readiness, { initialDelaySeconds: 5, periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 3 }),
    livenessProbe: props.liveness && httpProbe(props.liveness, { initialDelaySeconds: 30, periodSeconds: 30, timeoutSeconds: 5, failureThreshold: 5 }),
    resources: toResourceRequirements(subject, props.resources),
    securityContext: exception === undefined ? restrictedContainerSecurityContext(props.runAs) : exceptionContainerSecurityContext(exception.addCapabilities),
    volumeMounts: all.map((v) => v.mount),
  };
  const spec: PodSpec = {
    restartPolicy: props.restartPolicy,
    serviceAccountName: props.serviceAccountName,
    automountServiceAccountToken: props.automountServiceAccountToken ?? false,
    enableServiceLinks: false,
    terminationGracePeriodSeconds: props.terminationGracePeriodSeconds,
    securityContext: exception === undefined ? restrictedPodSecurityContext(props.runAs) : exceptionPodSecurityContext(),
    // spread replicas over nodes (and zones, when asked) where the cluster can; never block scheduling on it
    topologySpreadConstraints: props.spreadSelector !== undefined
      ? ['kubernetes.io/hostname', ...(props.spreadOverZones === true ? ['topology.kubernetes.io/zone'] : [])].map((topologyKey) => ({
        maxSkew: 1,
        topologyKey,
        whenUnsatisfiable: 'ScheduleAnyway',
        labelSelector: { matchLabels: props.spreadSelector! },
      }))
      : undefined,
    containers: [container],
    volumes,
  };
  const annotations = exception === undefined
    ? props.annotations
    : { ...props.annotations, 'cdk8s-alloy/pod-security-exception': exception.reason };
  return { metadata: { labels: props.labels, annotations }, spec };
}
