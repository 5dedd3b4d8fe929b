/**
 * What an Alloy component needs from the collector that runs it, in one table keyed by the
 * component's Alloy name: Kubernetes API access, the ports it listens on, directories that
 * must lie on the collector's volume, whether it must run once across replicas, and where it
 * connects (egress). A component not in the table needs none of these; the few that need API
 * access this library does not derive are in it too, and fail closed.
 *
 * `configNeeds` walks a config once (again only when its component count changes) into a
 * record per component. The collector's checks, its RBAC and the NetworkPolicies all read that
 * record; no other file decides by a component's name.
 *
 * Host paths are not in the table: a component that tails files reads what a reference hands
 * it, so the pipeline that knows the directory declares it (`AlloyConfig.requireHostPath`, as
 * `NodeLogs` does). The config's record carries those declarations beside the components'.
 */
import { AlloyComponent, AlloyConfig, AlloyValue, Block, Statement, isAlloyObject } from '../alloy';
import { AccessRule, SERVICE_ACCOUNT_TOKEN } from '../pipelines';
import type { ScopedRule } from './alloy-access';

/** What a component's needs are read with. */
export interface NeedsContext {
  /** The collector's namespace: of `own_namespace`, and of a Secret named without one. */
  readonly ownNamespace: string;
  /** How errors name the component: `<construct path> (<component id>)`, or its Alloy name. */
  readonly subject: string;
}

/** A component that must run once across the collector's replicas (clustered, or one replica). */
export interface RunOnce {
  /** What several unclustered replicas would each do ("scrape the same targets"). */
  readonly twice: string;
  /** It reads the whole cluster, so a DaemonSet (which does not cluster) would run it once per node. */
  readonly wholeCluster: boolean;
}

/** Where a component connects, from its block. */
export interface EgressNeed {
  /** Addresses it sends to: every `endpoint` and `url` of an exporter or a writer. */
  readonly sendsTo: readonly string[];
  /**
   * What it scrapes: the `__address__` of each target of a literal list, or `"discovered"`
   * when the targets come from discovery (any pod, on any port).
   */
  readonly scrapes?: readonly string[] | 'discovered';
  /**
   * It scrapes the kubelets (port 10250 of the nodes): a scrape that authenticates with a
   * `bearer_token_file`. Its targets are then the nodes, not pods; the NetworkPolicy opens
   * the port from the `nodes/metrics` access the token is given.
   */
  readonly kubelets: boolean;
  /**
   * The namespaces whose pods (or Services) its discovery finds, which a scrape of discovered
   * targets may reach; `"all"` for every namespace (or namespaces named by an expression).
   */
  readonly discoversPodsIn?: readonly string[] | 'all';
}

/** The Kubernetes API access a component needs. */
export type AccessNeed =
  /** These rules (none: it does not use the API). */
  | { readonly kind: 'rules'; readonly rules: readonly ScopedRule[] }
  /** Access this library does not derive: fail closed, unless the collector was granted access by hand. */
  | { readonly kind: 'not-derived'; readonly reason: string }
  /** An argument the rules depend on is an expression: fail, granted or not. */
  | { readonly kind: 'not-literal'; readonly reason: string };

/** A port a component listens on, and where in its block it is set. */
export interface ListenPort {
  /** The block path (`http`, `grpc > keepalive`), or the attribute at the top. */
  readonly where: string;
  readonly port: number;
}

/** A directory that must lie on the collector's volume, and the attribute that sets it. */
export interface StorageDirectory {
  readonly attribute: string;
  readonly directory: string;
}

/** One row of the table. Every field is optional: unset, the component needs none of it. */
export interface ComponentSpec {
  /**
   * The Kubernetes API access it needs, from its block (throws `NotLiteral` for an expression
   * where a literal is needed); or `"not-derived"`: it needs access this library does not
   * derive, and the collector refuses it unless access was granted by hand.
   */
  readonly access?: ((block: Block, ctx: NeedsContext) => ScopedRule[]) | 'not-derived';
  /**
   * The attribute, anywhere in its block, that says where it listens: `endpoint` (a
   * `host:port`, not a URL) or `listen_port` (a number).
   */
  readonly listensOn?: 'endpoint' | 'listen_port';
  /** Its attributes that name a directory it keeps state in, which must lie on the collector's volume. */
  readonly storage?: readonly string[];
  /** It must run once across replicas. */
  readonly runOnce?: RunOnce;
  /** Where it connects, from its block. */
  readonly egress?: (block: Block, ctx: NeedsContext) => Partial<EgressNeed>;
}

/** What one component needs, read from its block once. */
export interface ComponentNeeds {
  /** Its Alloy name (`prometheus.scrape`). */
  readonly name: string;
  /** `<construct path> (<component id>)`, as errors name it. */
  readonly subject: string;
  /** Its rendered block. */
  readonly block: Block;
  readonly access: AccessNeed;
  readonly listens: readonly ListenPort[];
  readonly storage: readonly StorageDirectory[];
  readonly runOnce?: RunOnce;
  /** It has `clustering { enabled = true }` (at any depth). */
  readonly clustered: boolean;
  readonly egress: EgressNeed;
}

/** What every component of a config needs, in the config's order, and the node paths it reads. */
export interface ConfigNeeds {
  readonly components: ReadonlyArray<ComponentNeeds & { readonly component: AlloyComponent }>;
  /** Node paths the config's pipelines read (`AlloyConfig.requireHostPath`), each with the construct path that asked. */
  readonly hostPaths: ReadonlyMap<string, string>;
}

/** An argument the access rules depend on is an expression. */
export class NotLiteral extends Error {}

const READ = ['get', 'list', 'watch'];

/** The resources `discovery.kubernetes` reads for each role. */
const DISCOVERY_RESOURCES: Record<string, Array<[string, string[]]>> = {
  pod: [['', ['pods']]],
  node: [['', ['nodes']]],
  service: [['', ['services']]],
  endpoints: [['', ['endpoints', 'services', 'pods']]],
  endpointslice: [['discovery.k8s.io', ['endpointslices']], ['', ['services', 'pods']]],
  ingress: [['networking.k8s.io', ['ingresses']]],
};

function attr(body: readonly Statement[], name: string): AlloyValue | undefined {
  const a = body.find((s) => s.kind === 'attribute' && s.name === name);
  return a?.kind === 'attribute' ? a.value : undefined;
}

function sub(block: Block, name: string): Block | undefined {
  return block.body.find((s): s is Block => s.kind === 'block' && s.name === name);
}

function strings(v: AlloyValue | undefined): string[] | undefined {
  return Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : undefined;
}

/** Throws `NotLiteral` when `v` is set but not a literal string, list of strings or bool. */
function literal(ctx: NeedsContext, name: string, v: AlloyValue | undefined): void {
  if (v !== undefined && typeof v !== 'string' && strings(v) === undefined && typeof v !== 'boolean') {
    throw new NotLiteral(`${ctx.subject}: ${name} must be a literal to derive the RBAC it needs (got an expression); write it out, or grant the access by hand`);
  }
}

/** Rules in each of `namespaces`, or cluster-wide when none are named. */
function inNamespaces(namespaces: string[] | undefined, rules: AccessRule[]): ScopedRule[] {
  return namespaces === undefined || namespaces.length === 0
    ? rules.map((rule) => ({ rule }))
    : namespaces.flatMap((namespace) => rules.map((rule) => ({ namespace, rule })));
}

function discoveryAccess(block: Block, ctx: NeedsContext): ScopedRule[] {
  const role = attr(block.body, 'role');
  literal(ctx, 'role', role);
  const resources = typeof role === 'string' ? DISCOVERY_RESOURCES[role] : undefined;
  if (resources === undefined) return [];
  const ns = sub(block, 'namespaces');
  let namespaces: string[] | undefined;
  if (ns !== undefined) {
    literal(ctx, 'namespaces.names', attr(ns.body, 'names'));
    namespaces = [...(strings(attr(ns.body, 'names')) ?? []), ...(attr(ns.body, 'own_namespace') === true ? [ctx.ownNamespace] : [])];
  }
  const rules = resources.map(([group, res]) => ({ apiGroups: [group], resources: res, verbs: READ }));
  const meta = sub(block, 'attach_metadata');
  const nodeMeta = meta !== undefined && attr(meta.body, 'node') === true
    ? [{ rule: { apiGroups: [''], resources: ['nodes'], verbs: READ } }]
    : [];
  return [...inNamespaces(namespaces, rules), ...nodeMeta];
}

/** The namespaces whose pods a `discovery.kubernetes` finds (none for the node and ingress roles). */
function discoveredPods(block: Block, ctx: NeedsContext): Partial<EgressNeed> {
  const role = attr(block.body, 'role');
  if (role === 'node' || role === 'ingress') return {};
  const ns = sub(block, 'namespaces');
  const names = ns === undefined ? undefined : strings(attr(ns.body, 'names'));
  const ownNamespace = ns !== undefined && attr(ns.body, 'own_namespace') === true;
  if (names === undefined && !ownNamespace) return { discoversPodsIn: 'all' };
  return { discoversPodsIn: [...(names ?? []), ...(ownNamespace ? [ctx.ownNamespace] : [])] };
}

/** A `remote.kubernetes.*` component: get on the one object it names, in its namespace. */
function remoteObject(resource: string): ComponentSpec['access'] {
  return (block, ctx) => {
    const name = attr(block.body, 'name');
    const namespace = attr(block.body, 'namespace');
    literal(ctx, 'name', name);
    literal(ctx, 'namespace', namespace);
    return [{
      namespace: typeof namespace === 'string' ? namespace : ctx.ownNamespace,
      rule: { apiGroups: [''], resources: [resource], verbs: ['get'], ...(typeof name === 'string' ? { resourceNames: [name] } : {}) },
    }];
  };
}

/** A `prometheus.operator.*` component: its custom resources, and what it discovers targets from. */
function operator(crd: string): ComponentSpec {
  return {
    access: () => [
      { rule: { apiGroups: ['monitoring.coreos.com'], resources: [crd], verbs: READ } },
      { rule: { apiGroups: [''], resources: ['pods', 'services', 'endpoints', 'namespaces'], verbs: READ } },
      { rule: { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: READ } },
    ],
  };
}

/** A component that loads rules from PrometheusRule resources into a ruler. */
const RULES: ComponentSpec = {
  access: () => [
    { rule: { apiGroups: ['monitoring.coreos.com'], resources: ['prometheusrules'], verbs: READ } },
    { rule: { apiGroups: [''], resources: ['namespaces'], verbs: READ } },
  ],
};

/** A component that sends to the addresses of its blocks. */
const SENDS: ComponentSpec = { egress: (block) => ({ sendsTo: addresses(block) }) };

/** A server on `listen_port`. */
const LISTENS: ComponentSpec = { listensOn: 'listen_port' };

const NOT_DERIVED: ComponentSpec = { access: 'not-derived' };

/**
 * The table: per Alloy component name, what it needs. A key ending in `.*` holds for every
 * component under that prefix; a component's own row adds to (and overrides) its family's.
 */
export const ALLOY_COMPONENTS: Readonly<Record<string, ComponentSpec>> = {
  'beyla.ebpf': NOT_DERIVED,
  'discovery.kubelet': NOT_DERIVED,
  'discovery.kubernetes': { access: discoveryAccess, egress: discoveredPods },
  'faro.receiver': LISTENS,
  'loki.rules.kubernetes': RULES,
  'loki.source.api': LISTENS,
  'loki.source.awsfirehose': LISTENS,
  'loki.source.gcplog': LISTENS,
  'loki.source.heroku': LISTENS,
  'loki.source.kubernetes': {
    access: () => [{ rule: { apiGroups: [''], resources: ['pods', 'pods/log'], verbs: READ } }],
    runOnce: { twice: 'read the same pods and send them twice', wholeCluster: true },
  },
  'loki.source.kubernetes_events': {
    access: (block, ctx) => {
      literal(ctx, 'namespaces', attr(block.body, 'namespaces'));
      return inNamespaces(strings(attr(block.body, 'namespaces')), [{ apiGroups: [''], resources: ['events'], verbs: READ }]);
    },
    runOnce: { twice: 'read the same events and send them twice', wholeCluster: true },
  },
  'loki.source.podlogs': {
    access: () => [
      { rule: { apiGroups: ['monitoring.grafana.com'], resources: ['podlogs'], verbs: READ } },
      { rule: { apiGroups: [''], resources: ['pods', 'pods/log', 'namespaces'], verbs: READ } },
    ],
  },
  'loki.write': SENDS,
  'mimir.alerts.kubernetes': NOT_DERIVED,
  'mimir.rules.kubernetes': RULES,
  'otelcol.exporter.*': SENDS,
  'otelcol.processor.k8sattributes': {
    access: () => [
      { rule: { apiGroups: [''], resources: ['pods', 'namespaces', 'nodes'], verbs: READ } },
      { rule: { apiGroups: ['apps'], resources: ['replicasets'], verbs: READ } },
    ],
  },
  'otelcol.receiver.*': { listensOn: 'endpoint' },
  'otelcol.receiver.k8s_cluster': NOT_DERIVED,
  'otelcol.receiver.k8sobjects': NOT_DERIVED,
  'otelcol.storage.file': { storage: ['directory'] },
  'prometheus.operator.podmonitors': operator('podmonitors'),
  'prometheus.operator.probes': operator('probes'),
  'prometheus.operator.scrapeconfigs': operator('scrapeconfigs'),
  'prometheus.operator.servicemonitors': operator('servicemonitors'),
  'prometheus.receive_http': LISTENS,
  'prometheus.remote_write': SENDS,
  'prometheus.scrape': {
    // scraping the kubelets with the ServiceAccount's token needs their metrics endpoint
    access: (block) => attr(block.body, 'bearer_token_file') === SERVICE_ACCOUNT_TOKEN
      ? [{ rule: { apiGroups: [''], resources: ['nodes/metrics'], verbs: ['get'] } }]
      : [],
    runOnce: { twice: 'scrape the same targets', wholeCluster: false },
    egress: (block) => {
      if (block.body.some((s) => s.kind === 'attribute' && s.name === 'bearer_token_file')) return { kubelets: true };
      // static targets are addresses; discovered ones (a reference) can be any pod
      const targets = attr(block.body, 'targets');
      return { scrapes: (Array.isArray(targets) ? targetAddresses(targets) : undefined) ?? 'discovered' };
    },
  },
  'pyroscope.receive_http': LISTENS,
  'remote.kubernetes.configmap': { access: remoteObject('configmaps') },
  'remote.kubernetes.secret': { access: remoteObject('secrets') },
};

/** The row of a component: its family's (`otelcol.exporter.*`) and its own, merged. */
export function specOf(name: string): ComponentSpec {
  const family = Object.keys(ALLOY_COMPONENTS).filter((k) => k.endsWith('.*') && name.startsWith(k.slice(0, -1)));
  return Object.assign({}, ...family.map((k) => ALLOY_COMPONENTS[k]), ALLOY_COMPONENTS[name]);
}

/** What one component needs, from its rendered block. */
export function componentNeeds(block: Block, ctx: NeedsContext): ComponentNeeds {
  const spec = specOf(block.name);
  return {
    name: block.name,
    subject: ctx.subject,
    block,
    access: accessNeed(spec, block, ctx),
    listens: spec.listensOn === undefined ? [] : listenPorts(block, spec.listensOn),
    storage: (spec.storage ?? []).flatMap((attribute) => {
      const directory = attr(block.body, attribute);
      return typeof directory === 'string' ? [{ attribute, directory }] : [];
    }),
    runOnce: spec.runOnce,
    clustered: hasClustering(block),
    egress: { sendsTo: [], kubelets: false, ...spec.egress?.(block, ctx) },
  };
}

function accessNeed(spec: ComponentSpec, block: Block, ctx: NeedsContext): AccessNeed {
  if (spec.access === undefined) return { kind: 'rules', rules: [] };
  if (spec.access === 'not-derived') {
    return {
      kind: 'not-derived',
      reason: `${ctx.subject}: ${block.name} needs Kubernetes API access that cdk8s-alloy does not derive; ` +
        'grant it with alloy.grantClusterAccess([...]) (the rules its documentation lists)',
    };
  }
  try {
    return { kind: 'rules', rules: spec.access(block, ctx) };
  } catch (e) {
    if (e instanceof NotLiteral) return { kind: 'not-literal', reason: e.message };
    throw e;
  }
}

/** Each config's needs, with the component count and namespace they were read at. */
const walked = new WeakMap<AlloyConfig, { components: number; ownNamespace: string; needs: ConfigNeeds }>();

/**
 * What the components of `config` need, read once: again only when the number of its
 * components changed (a component is added after a first read).
 */
export function configNeeds(config: AlloyConfig, ownNamespace: string): ConfigNeeds {
  const components = config.components;
  const known = walked.get(config);
  if (known !== undefined && known.components === components.length && known.ownNamespace === ownNamespace) return known.needs;
  const needs: ConfigNeeds = {
    components: components.map((component) => ({
      component,
      ...componentNeeds(component.toStatement(), { ownNamespace, subject: `${component.node.path} (${component.componentId})` }),
    })),
    hostPaths: config.requiredHostPaths,
  };
  walked.set(config, { components: components.length, ownNamespace, needs });
  return needs;
}

/** The ports a block listens on: `endpoint` host:port (not a URL), or `listen_port` numbers, at any depth. */
function listenPorts(block: Block, attribute: 'endpoint' | 'listen_port'): ListenPort[] {
  const out: ListenPort[] = [];
  const walk = (body: readonly Statement[], where: string) => {
    for (const s of body) {
      if (s.kind === 'attribute' && s.name === attribute) {
        if (attribute === 'endpoint' && typeof s.value === 'string' && /:\d+$/.test(s.value) && !/^[a-z]+:\/\//.test(s.value)) {
          out.push({ where: where || attribute, port: Number(s.value.slice(s.value.lastIndexOf(':') + 1)) });
        }
        if (attribute === 'listen_port' && typeof s.value === 'number') {
          out.push({ where: where || attribute, port: s.value });
        }
      } else if (s.kind === 'block') {
        walk(s.body, where ? `${where} > ${s.name}` : s.name);
      }
    }
  };
  walk(block.body, '');
  return out;
}

function hasClustering(block: Block): boolean {
  return block.body.some((s) => s.kind === 'block' && ((s.name === 'clustering' && s.body.some((a) => a.kind === 'attribute' && a.name === 'enabled' && a.value === true)) || hasClustering(s)));
}

/** Every `endpoint` and `url` string of a component's block. */
function addresses(block: Block): string[] {
  const out: string[] = [];
  const walk = (body: readonly Statement[]) => {
    for (const s of body) {
      if (s.kind === 'attribute' && (s.name === 'endpoint' || s.name === 'url') && typeof s.value === 'string') out.push(s.value);
      if (s.kind === 'block') walk(s.body);
    }
  };
  walk(block.body);
  return out;
}

/** The `__address__` of each target of a literal target list, or undefined when one is not a literal. */
function targetAddresses(list: readonly AlloyValue[]): string[] | undefined {
  const out: string[] = [];
  for (const t of list) {
    if (!isAlloyObject(t) || typeof t.__address__ !== 'string') return undefined;
    out.push(t.__address__);
  }
  return out;
}

/**
 * Why a component runs only on Kubernetes, from its row of the table: it reads the Kubernetes
 * API (the resources it reads), needs access this library does not derive, or scrapes the
 * kubelets. Undefined for a component that runs anywhere.
 */
export function kubernetesOnly(needs: ComponentNeeds): string | undefined {
  if (needs.access.kind !== 'rules') return 'needs Kubernetes API access';
  if (needs.access.rules.length > 0) {
    const resources = [...new Set(needs.access.rules.flatMap((r) => r.rule.resources))];
    return `reads the Kubernetes API (${resources.join(', ')})`;
  }
  if (needs.egress.kubelets) return 'scrapes the kubelets';
  return undefined;
}

/**
 * For a config that runs outside Kubernetes (Docker Compose): one error for each component that
 * runs only on Kubernetes (`kubernetesOnly`) and each node path a pipeline reads.
 */
export function kubernetesNeeds(config: AlloyConfig, ownNamespace: string): string[] {
  const needs = configNeeds(config, ownNamespace);
  return [
    ...needs.components.flatMap((n) => {
      const why = kubernetesOnly(n);
      return why === undefined ? [] : [
        `${n.subject}: ${n.name} ${why}, which a stack built for Docker Compose does not have (platform "compose"); ` +
        'add it to the stack built for Kubernetes only',
      ];
    }),
    ...[...needs.hostPaths].map(([hostPath, by]) =>
      `${by}: reads the node path ${hostPath}, which a stack built for Docker Compose does not have (platform "compose"); add it to the stack built for Kubernetes only`),
  ];
}
