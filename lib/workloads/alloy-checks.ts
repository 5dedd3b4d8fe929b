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
import { assertDnsLabel, assertHostPath, assertPort, assertWholeNumber, firstDuplicate, parseSize, quantityText } from '../validation';
import type { AlloyController, AlloyProps } from './alloy';
import { ConfigNeeds } from './alloy-components';
import type { ServerPort } from './server-workload';

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
  readonly replicas: number;
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
}

/** The shape's sizes in bytes, parsed once its props passed. */
export interface CollectorSizes {
  readonly storageBytes: number;
  readonly memoryLimitBytes: number;
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
  if (daemonSet && (props.replicas !== undefined || props.clustering === true || props.storageClassName !== undefined)) {
    problems.push(
      `${subject}: a DaemonSet collector runs one pod per node, without clustering or a claim (got ` +
      `${[props.replicas !== undefined && `replicas ${props.replicas}`, props.clustering === true && 'clustering: true', props.storageClassName !== undefined && 'storageClassName'].filter(Boolean).join(', ')}); ` +
      'drop those props, or use controller: "StatefulSet"',
    );
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
  check(() => assertWholeNumber(subject, 'replicas', shape.replicas, 1));
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
    storageBytes: parseSize(shape.path, 'storageSize', shape.storageSize, 'kubernetes'),
  };
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
  } else if (once !== undefined && shape.replicas > 1 && !n.clustered) {
    problems.push(
      `${n.subject}: ${shape.replicas} replicas would each ${once.twice}; ` +
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

function attributeString(body: readonly Statement[], name: string): string | undefined {
  const a = body.find((s) => s.kind === 'attribute' && s.name === name);
  return a !== undefined && a.kind === 'attribute' && typeof a.value === 'string' ? a.value : undefined;
}
