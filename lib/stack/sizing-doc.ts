/**
 * docs/sizing.md's table: for each reference size, the stack that `sizing` derives, counted
 * from its manifests (pods, CPU and memory requests, volumes) and its outage budget (how long
 * each signal survives a backend outage). `npm run docs:sizing` writes it; a test keeps it true.
 */
import { App } from 'cdk8s';
import { Alloy } from '../workloads/alloy';
import { formatDuration, formatSize, outageBudget } from './outage-budget';
import { ObservabilityStack, ObservabilityStackProps } from './observability-stack';
import { REFERENCE_SIZES, planSizing, Sizing } from './sizing';

/** What runs and what it costs, read from the manifests. */
export interface StackCost {
  readonly pods: number;
  readonly cpuCores: number;
  readonly memoryBytes: number;
  readonly diskBytes: number;
}

const CPU = (q: string): number => (q.endsWith('m') ? Number(q.slice(0, -1)) / 1000 : Number(q));
const UNITS: Record<string, number> = { '': 1, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, k: 1e3, M: 1e6, G: 1e9, T: 1e12 };
const BYTES = (q: string): number => {
  const m = /^([0-9.]+)([A-Za-z]*)$/.exec(q)!;
  return Number(m[1]) * UNITS[m[2]];
};

/** Pods (an autoscaled workload at its minimum), their requests, and every volume, of a stack's manifests. */
export function stackCost(stack: ObservabilityStack): StackCost {
  const manifests = stack.toJson() as any[];
  const hpaMin = new Map<string, number>();
  for (const m of manifests) if (m.kind === 'HorizontalPodAutoscaler') hpaMin.set(`${m.spec.scaleTargetRef.kind}/${m.spec.scaleTargetRef.name}`, m.spec.minReplicas);
  let pods = 0;
  let cpu = 0;
  let memory = 0;
  let disk = 0;
  for (const m of manifests) {
    if (m.kind === 'PersistentVolumeClaim') disk += BYTES(m.spec.resources.requests.storage);
    if (m.kind !== 'Deployment' && m.kind !== 'StatefulSet') continue;
    const replicas = m.spec.replicas ?? hpaMin.get(`${m.kind}/${m.metadata.name}`) ?? 1;
    pods += replicas;
    for (const c of m.spec.template.spec.containers) {
      cpu += replicas * CPU(c.resources?.requests?.cpu ?? '0');
      memory += replicas * BYTES(c.resources?.requests?.memory ?? '0');
    }
    for (const t of m.spec.volumeClaimTemplates ?? []) disk += replicas * BYTES(t.spec.resources.requests.storage);
  }
  return { pods, cpuCores: Math.round(cpu * 100) / 100, memoryBytes: memory, diskBytes: disk };
}

/** Seconds each signal survives a backend outage: the shortest of its queues' and WAL's budgets. */
export function survival(collectors: readonly Alloy[]): Record<'traces' | 'logs' | 'metrics', number> {
  const rows = collectors.flatMap((c) => outageBudget(c));
  const min = (signal: string) => Math.min(...rows.filter((r) => r.signal === signal).map((r) => r.outageSeconds));
  return { traces: min('traces'), logs: min('logs'), metrics: min('metrics') };
}

/** The table for stacks built with `sizing`, by name. */
export function sizingTable(sized: ReadonlyArray<{ readonly name: string; readonly sizing: Sizing; readonly stack: ObservabilityStack }>): string {
  const header = `| | ${sized.map((s) => s.name).join(' | ')} |\n|---|${sized.map(() => '---').join('|')}|\n`;
  const row = (what: string, cell: (s: typeof sized[number]) => string) => `| ${what} | ${sized.map(cell).join(' | ')} |\n`;
  const plans = new Map(sized.map((s) => [s.name, planSizing(s.stack.node.path, s.sizing)]));
  const plan = (s: typeof sized[number]) => plans.get(s.name)!;
  const backend = (b: ReturnType<typeof planSizing>['loki']) =>
    b.mode === 'external' ? 'your own' : `${b.replicas} × ${b.cpuCores} CPU, ${formatSize(b.memoryBytes)}, ${formatSize(b.storageBytes)} ${b.mode === 'volume' ? 'volume' : 'WAL volume, object storage'}`;
  const collector = (c: ReturnType<typeof planSizing>['gateway']) =>
    `${c.maxReplicas ? `${c.replicas}-${c.maxReplicas} (autoscaled)` : c.replicas} × ${c.cpuCores} CPU, ${formatSize(c.memoryBytes)}, ${formatSize(c.storageBytes)}`;
  const costs = new Map(sized.map((s) => [s.name, stackCost(s.stack)]));
  const lasts = new Map(sized.map((s) => [s.name, survival(s.stack.collectors)]));
  return header +
    row('spans/s', (s) => String(s.sizing.spansPerSecond)) +
    row('pod logs/s', (s) => s.sizing.logBytesPerSecond) +
    row('OTLP logs/s', (s) => s.sizing.otlpLogBytesPerSecond ?? '0') +
    row('OTLP metric points/s', (s) => String(s.sizing.otlpMetricPointsPerSecond ?? 0)) +
    row('active series', (s) => String(s.sizing.activeSeries)) +
    row('retention', (s) => s.sizing.retention) +
    row('outage to survive', (s) => s.sizing.outage) +
    row('gateway `alloy`', (s) => collector(plan(s).gateway)) +
    row('`alloy-metrics`', (s) => collector(plan(s).metricsCollector)) +
    row('`alloy-logs`', (s) => collector(plan(s).logsCollector)) +
    row('Prometheus', (s) => backend(plan(s).prometheus)) +
    row('Loki', (s) => backend(plan(s).loki)) +
    row('Tempo', (s) => backend(plan(s).tempo)) +
    row('**pods**', (s) => String(costs.get(s.name)!.pods)) +
    row('**CPU requested**', (s) => String(costs.get(s.name)!.cpuCores)) +
    row('**memory requested**', (s) => formatSize(costs.get(s.name)!.memoryBytes)) +
    row('**disk (volumes)**', (s) => formatSize(costs.get(s.name)!.diskBytes)) +
    row('traces survive', (s) => formatDuration(lasts.get(s.name)!.traces)) +
    row('logs survive', (s) => formatDuration(lasts.get(s.name)!.logs)) +
    row('metrics survive', (s) => formatDuration(lasts.get(s.name)!.metrics));
}

/** An S3-compatible bucket (MinIO) with its credentials in the Secret `object-storage`, for the reference builds. */
const bucket = (name: string) => ({
  type: 's3' as const, bucket: name, endpoint: 'minio.storage.svc:9000', forcePathStyle: true, insecure: true, credentials: { secretName: 'object-storage' },
});

/**
 * The props that build a reference size: its sizing, and what its plan needs that only a user
 * can give, with example values: a bucket each for Loki and Tempo on object storage, a Mimir for
 * metrics past one Prometheus (the stack's alerts in its ruler).
 */
export function referenceProps(name: keyof typeof REFERENCE_SIZES): ObservabilityStackProps {
  const sizing = REFERENCE_SIZES[name];
  const plan = planSizing(name, sizing);
  return {
    sizing,
    ...(plan.loki.mode === 'object-storage' ? { loki: { objectStorage: bucket('loki') } } : {}),
    ...(plan.tempo.mode === 'object-storage' ? { tempo: { objectStorage: bucket('tempo') } } : {}),
    ...(plan.prometheus.mode === 'external' ? {
      external: {
        metrics: {
          remoteWriteUrl: 'https://mimir.example.com/api/v1/push',
          queryUrl: 'https://mimir.example.com/prometheus',
          tenant: 'platform',
          credentials: { basicAuth: { username: 'platform', password: { name: 'mimir', key: 'password' } } },
          alerts: { ruler: { url: 'https://mimir.example.com' } },
        },
      },
    } : {}),
  };
}

/** docs/sizing.md's table: the reference sizes, each built with `referenceProps` and synthesized. */
export function sizingDocTable(): string {
  const built = (Object.keys(REFERENCE_SIZES) as Array<keyof typeof REFERENCE_SIZES>).map((name) => {
    const props = referenceProps(name);
    const stack = new ObservabilityStack(new App(), 'observability', props);
    stack.toJson();
    return { name, sizing: props.sizing!, stack };
  });
  return sizingTable(built);
}
