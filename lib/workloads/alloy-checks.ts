/**
 * The collector's checks, as functions of what they read, each returning the problems it finds
 * (no constructs are made or changed here): the props alone (`propProblems`, thrown at once by
 * the constructor) and, at synth, whether the config fits the collector built for it
 * (`synthProblems`: stability, the disk budget, storage paths, ports, memory, run-once
 * components, host paths, clustering).
 */
import { posix } from 'path';
import { AlloyConfig, StabilityLevel, Statement, permits } from '../alloy';
import { DurableQueue } from '../pipelines';
import { assertDnsLabel, assertHostPath, assertPort, assertQuantity, assertWholeNumber, firstDuplicate, parseSize, quantityText } from '../validation';
import type { AlloyController, AlloyProps } from './alloy';
import { ConfigNeeds } from './alloy-components';
import type { Resources } from './resources';
import { ServerPort, WorkloadAutoscaling, resolveAutoscaling } from './server-workload';

const MIB = 2 ** 20;

/** GOMEMLIMIT of a container with this memory limit: 90 %, in MiB (the Go runtime collects harder near it). */
export function goMemLimitMib(memoryLimitBytes: number): number {
  return Math.floor((memoryLimitBytes * 0.9) / MIB);
}

/** What the collector's props resolve to, with their defaults. */
export interface CollectorShape {
  /** The collector's construct path, the subject of its errors. */
  readonly path: string;
  readonly name: string;
  readonly controller: AlloyController;
  /** The fewest replicas: `replicas`, or the autoscaler's minReplicas. */
  readonly replicas: number;
  /** The most replicas: `replicas`, or the autoscaler's maxReplicas. */
  readonly maxReplicas: number;
  /** `autoscaling` as set (StatefulSet only). */
  readonly autoscaling?: WorkloadAutoscaling;
  readonly terminationGracePeriodSeconds: number;
  /** `clustering` as set. */
  readonly clustering?: boolean;
  readonly hostPaths: readonly string[];
  readonly ports: readonly ServerPort[];
  readonly otlpGrpcPort: number;
  readonly otlpHttpPort: number;
  /** `--storage.path`. */
  readonly storagePath: string;
  readonly storageSize: string;
  readonly memoryLimit: string;
  readonly resources: Resources;
}

/** The shape's sizes in bytes, parsed once its props passed. */
export interface CollectorSizes {
  readonly storageBytes: number;
  readonly memoryLimitBytes: number;
  /** The container's memory request, in bytes (read with autoscaling only, which measures against it). */
  readonly memoryRequestBytes?: number;
}

/**
 * The problems of the props alone, in the order the constructor used to meet them; the
 * constructor throws the first.
 */
export function propProblems(shape: CollectorShape, props: AlloyProps): string[] {
  const subject = shape.path;
  const problems: string[] = [];
  const check = (assert: () => void) => {
    try {
      assert();
    } catch (e) {
      problems.push((e as Error).message);
    }
  };
  check(() => assertPort(subject, 'otlpGrpcPort', shape.otlpGrpcPort));
  check(() => assertPort(subject, 'otlpHttpPort', shape.otlpHttpPort));
  if (shape.controller !== 'StatefulSet' && shape.controller !== 'DaemonSet') {
    problems.push(`${subject}: controller must be "StatefulSet" or "DaemonSet" (got ${JSON.stringify(shape.controller)})`);
  }
  const daemonSet = shape.controller === 'DaemonSet';
  if (daemonSet && (props.replicas !== undefined || props.autoscaling !== undefined || props.clustering === true || props.storageClassName !== undefined)) {
    problems.push(
      `${subject}: a DaemonSet collector runs one pod per node, without clustering or a claim (got ` +
      `${[
        props.replicas !== undefined && `replicas ${props.replicas}`, props.autoscaling !== undefined && 'autoscaling',
        props.clustering === true && 'clustering: true', props.storageClassName !== undefined && 'storageClassName',
      ].filter(Boolean).join(', ')}); ` +
      'drop those props, or use controller: "StatefulSet"',
    );
  }
  if (shape.autoscaling !== undefined) {
    if (props.replicas !== undefined) {
      problems.push(
        `${subject}: replicas (got ${props.replicas}) and autoscaling both set the replica count; ` +
        'drop replicas: the HorizontalPodAutoscaler keeps it between autoscaling.minReplicas and maxReplicas',
      );
    }
    const autoscaling = shape.autoscaling;
    check(() => assertQuantity(subject, 'requests.memory', shape.resources.requests.memory, 'memory'));
    check(() => resolveAutoscaling(subject, autoscaling, shape.resources));
  }
  shape.hostPaths.forEach((hp) => check(() => assertHostPath(subject, 'hostPaths', hp)));
  if (shape.hostPaths.length > 0 && !daemonSet) {
    problems.push(`${subject}: hostPaths (got ${shape.hostPaths.join(', ')}) read one node's files, so they need controller: "DaemonSet"`);
  }
  const numbers = shape.ports.map((p) => p.port);
  const twice = firstDuplicate(numbers);
  if (twice !== undefined) {
    problems.push(`${subject}: two ports are the same (got ${twice} twice among ${numbers.join(', ')}); give each its own port`);
  }
  if (shape.autoscaling === undefined) check(() => assertWholeNumber(subject, 'replicas', shape.replicas, 1));
  check(() => assertWholeNumber(subject, 'terminationGracePeriodSeconds', shape.terminationGracePeriodSeconds, 1));
  check(() => assertDnsLabel(subject, 'name', shape.name));
  check(() => parseSize(subject, 'memory limit', shape.memoryLimit, 'kubernetes'));
  check(() => parseSize(subject, 'storageSize', shape.storageSize, 'kubernetes'));
  return problems;
}

/** The sizes of a shape whose props passed `propProblems`. */
export function collectorSizes(shape: CollectorShape): CollectorSizes {
  return {
    memoryLimitBytes: parseSize(shape.path, 'memory limit', shape.memoryLimit, 'kubernetes'),
    ...(shape.autoscaling ? { memoryRequestBytes: parseSize(shape.path, 'memory request', shape.resources.requests.memory, 'kubernetes') } : {}),
    storageBytes: parseSize(shape.path, 'storageSize', shape.storageSize, 'kubernetes'),
  };
}

/**
 * The memory limiter's soft limit for a container of `memoryLimitBytes`, in MiB, as the collector
 * sizes it (`Alloy.memoryLimiterMib`): limit 80 % of the memory limit, spike a quarter of that;
 * the limiter refuses data above limit minus spike.
 */
export function memoryLimiterMib(memoryLimitBytes: number): { limit: number; spike: number } {
  const limit = Math.floor((memoryLimitBytes * 0.8) / MIB);
  return { limit, spike: Math.floor(limit / 4) };
}

/**
 * The default memory target of an autoscaled collector: the highest whole percentage of the
 * memory request that is still at or below the memory limiter's soft limit, at most 100. Memory
 * an autoscaler measures (the working set) is never less than the Go heap the limiter measures,
 * so a pod the limiter makes refuse data is above such a target.
 */
export function defaultMemoryTarget(memoryLimitBytes: number, memoryRequestBytes: number): number {
  const { limit, spike } = memoryLimiterMib(memoryLimitBytes);
  return Math.max(1, Math.min(100, Math.floor((100 * (limit - spike) * MIB) / memoryRequestBytes)));
}

/** What the synth checks read: the collector, its config, what its components need, its queue. */
export interface SynthCheckInput {
  readonly shape: CollectorShape;
  readonly sizes: CollectorSizes;
  readonly config: AlloyConfig;
  readonly needs: ConfigNeeds;
  readonly durableQueue: DurableQueue;
  /** `stabilityLevel` as pinned. */
  readonly pinned?: StabilityLevel;
}

/** The pieces must fit: stability, the disk budget, storage paths, ports, clustering, memory. */
export function synthProblems(input: SynthCheckInput): string[] {
  return [
    ...stabilityProblems(input),
    ...diskBudgetProblems(input),
    ...input.needs.components.flatMap((n) => componentProblems(input, n)),
    ...hostPathProblems(input),
    ...clusteringProblems(input),
    ...autoscalingProblems(input),
  ];
}

function stabilityProblems({ shape, config, pinned }: SynthCheckInput): string[] {
  const needed = config.stabilityLevel;
  if (pinned === undefined || permits(pinned, needed)) return [];
  return [
    `${shape.path}: stabilityLevel is pinned to "${pinned}" but the config uses ${needed} components ` +
    `(${config.components.filter((c) => c.stability === needed).map((c) => c.componentId).join(', ')}); ` +
    `pin "${needed}" or lower, or leave stabilityLevel unset`,
  ];
}

/** The on-disk queues must leave a fifth of the volume to the storage engine and the WAL. */
function diskBudgetProblems({ shape, sizes, durableQueue }: SynthCheckInput): string[] {
  const queued = durableQueue.allocatedBytes;
  if (queued <= sizes.storageBytes * 0.8) return [];
  return [
    `${shape.path}: the on-disk queues (${durableQueue.allocations.map((a) => `${a.exporter} ${quantityText(a.bytes)}`).join(', ')}: ${quantityText(queued)}) ` +
    `take more than 80 % of the ${shape.storageSize} volume, leaving no room for the storage engine's overhead and the remote-write WAL; ` +
    'make storageSize larger or the queue sizes smaller',
  ];
}

/** One component's storage directories, listen ports, memory limiter and run-once needs. */
function componentProblems({ shape, sizes }: SynthCheckInput, n: ConfigNeeds['components'][number]): string[] {
  const problems: string[] = [];
  const c = n.component;
  const storage = shape.storagePath;
  for (const { attribute, directory } of n.storage) {
    const normal = posix.normalize(directory);
    if (normal !== storage && !normal.startsWith(`${storage}/`)) {
      problems.push(
        `${n.subject}: ${attribute} ${JSON.stringify(directory)} is not on the collector's volume; ` +
        `put it under ${storage}/ so the queue survives restarts`,
      );
    }
  }
  const exposed = new Set(shape.ports.map((p) => p.port));
  for (const port of n.listens) {
    if (!exposed.has(port.port)) {
      problems.push(
        `${n.subject}: ${port.where} listens on port ${port.port}, which neither the container nor the Service exposes ` +
        `(they expose ${[...exposed].join(', ')}); add it with extraPorts`,
      );
    }
  }
  if (c.componentName === 'otelcol.processor.memory_limiter') {
    const body = n.block.body;
    const limit = attributeString(body, 'limit');
    const goLimitMib = goMemLimitMib(sizes.memoryLimitBytes);
    const goLimit = goLimitMib * MIB;
    if (limit !== undefined) {
      const bytes = parseSize(c.node.path, 'limit', limit.replace(/B$/, ''), 'kubernetes');
      if (bytes >= goLimit) {
        problems.push(
          `${c.node.path} (${c.componentId}): limit ${limit} is not below GOMEMLIMIT (${goLimitMib}MiB, 90 % of the container's ${quantityText(sizes.memoryLimitBytes)}); ` +
          'the pod would be OOM-killed before the limiter refuses data: lower the limit or raise the container\'s memory',
        );
      }
    }
    const pct = body.find((x) => x.kind === 'attribute' && x.name === 'limit_percentage');
    if (pct?.kind === 'attribute' && typeof pct.value === 'number' && pct.value >= 90) {
      problems.push(
        `${c.node.path} (${c.componentId}): limit_percentage ${pct.value} is not below GOMEMLIMIT's 90 % of the container's memory; use at most 85`,
      );
    }
  }
  const once = n.runOnce;
  if (once?.wholeCluster && shape.controller === 'DaemonSet') {
    problems.push(
      `${n.subject}: reads the whole cluster, so a DaemonSet would read it once per node; ` +
      'put it in a StatefulSet collector',
    );
  } else if (once !== undefined && shape.maxReplicas > 1 && !n.clustered) {
    problems.push(
      `${n.subject}: ${shape.autoscaling ? `up to ${shape.maxReplicas}` : shape.maxReplicas} replicas would each ${once.twice}; ` +
      'add clustering: { enabled: true } so they share them, or run one replica',
    );
  }
  return problems;
}

/** Each host path a pipeline reads must be mounted. */
function hostPathProblems({ shape, needs }: SynthCheckInput): string[] {
  const problems: string[] = [];
  for (const [hostPath, by] of needs.hostPaths) {
    if (!shape.hostPaths.some((hp) => hostPath === hp || hostPath.startsWith(`${hp}/`))) {
      problems.push(
        `${by}: reads ${hostPath} on the node, but the collector ${shape.path} ${shape.controller === 'DaemonSet' ? `mounts ${shape.hostPaths.length === 0 ? 'no host path' : shape.hostPaths.join(', ')}` : 'is a StatefulSet'}; ` +
        `create it with controller: "DaemonSet" and hostPaths: ["${hostPath}"]`,
      );
    }
  }
  return problems;
}

function clusteringProblems({ shape, needs }: SynthCheckInput): string[] {
  const problems: string[] = [];
  const clustered = shape.controller === 'DaemonSet' ? needs.components.filter((n) => n.clustered) : [];
  if (clustered.length > 0) {
    problems.push(
      `${shape.path}: a component enables clustering (${clustered.map((n) => n.component.componentId).join(', ')}), ` +
      'but a DaemonSet collector reads its own node and does not cluster; move it to a StatefulSet collector, or remove its clustering block',
    );
  }
  if (shape.clustering === false && needs.components.some((n) => n.clustered)) {
    problems.push(
      `${shape.path}: a component enables clustering but the collector runs with clustering: false, so there is no --cluster.enabled and no headless ` +
      `Service to join; remove clustering: false, or the clustering block`,
    );
  }
  return problems;
}

/**
 * An autoscaled collector must add replicas before its memory limiter refuses data: the memory
 * target, in bytes of the request, may not lie above the limiter's soft limit (limit minus
 * spike; the limiter refuses at ms.Alloc >= limit - spike, opentelemetry-collector
 * internal/memorylimiter/memorylimiter.go@v0.153.0), or pods would refuse senders while the
 * autoscaler sees no reason to scale.
 */
function autoscalingProblems({ shape, sizes, needs }: SynthCheckInput): string[] {
  const request = sizes.memoryRequestBytes;
  if (shape.autoscaling === undefined || request === undefined) return [];
  const target = shape.autoscaling.targetMemoryUtilization ?? defaultMemoryTarget(sizes.memoryLimitBytes, request);
  const problems: string[] = [];
  for (const n of needs.components.filter((x) => x.component.componentName === 'otelcol.processor.memory_limiter')) {
    const soft = softLimitBytes(n.block.body, sizes.memoryLimitBytes);
    if (soft === undefined) continue;
    const targetBytes = (target / 100) * request;
    if (targetBytes > soft) {
      const most = Math.floor((100 * soft) / request);
      problems.push(
        `${shape.path}: autoscaling.targetMemoryUtilization ${target} % of the ${quantityText(request)} memory request is ${Math.round(targetBytes / MIB)}Mi, ` +
        `above the soft limit of ${n.component.componentId} (${Math.round(soft / MIB)}Mi: limit minus spike), where it refuses data: ` +
        `senders would be refused before the autoscaler adds a replica; ${most >= 1 ? `use at most ${most}` : 'raise the memory limit or lower the memory request'}, or leave it unset`,
      );
    }
  }
  return problems;
}

/** The soft limit of a memory limiter's body, in bytes: limit minus spike (a fifth of the limit when unset), absolute or in percent of the container's memory. */
function softLimitBytes(body: readonly Statement[], memoryLimitBytes: number): number | undefined {
  const limit = attributeString(body, 'limit');
  if (limit !== undefined) {
    const bytes = parseSize('memory_limiter', 'limit', limit.replace(/B$/, ''), 'kubernetes');
    const spike = attributeString(body, 'spike_limit');
    return bytes - (spike === undefined ? bytes / 5 : parseSize('memory_limiter', 'spike_limit', spike.replace(/B$/, ''), 'kubernetes'));
  }
  const pct = attributeNumber(body, 'limit_percentage');
  const spikePct = attributeNumber(body, 'spike_limit_percentage');
  return pct === undefined || spikePct === undefined ? undefined : ((pct - spikePct) / 100) * memoryLimitBytes;
}

function attributeNumber(body: readonly Statement[], name: string): number | undefined {
  const a = body.find((s) => s.kind === 'attribute' && s.name === name);
  return a !== undefined && a.kind === 'attribute' && typeof a.value === 'number' ? a.value : undefined;
}

function attributeString(body: readonly Statement[], name: string): string | undefined {
  const a = body.find((s) => s.kind === 'attribute' && s.name === name);
  return a !== undefined && a.kind === 'attribute' && typeof a.value === 'string' ? a.value : undefined;
}
