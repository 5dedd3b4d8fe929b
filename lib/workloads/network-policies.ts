/**
 * NetworkPolicies of the stack: deny everything in the namespace, then allow what was
 * recorded (Connections): each relationship is recorded where it is made (a data source, a
 * scrape target, a destination handed to a collector's config, an Alertmanager, a
 * metrics-generator target, an entry point), and each workload's policy renders what goes in
 * and out of its pods. A collector's own needs (the Kubernetes API, the kubelets, pods found by
 * discovery, destinations outside the stack) come from the table of what each Alloy component
 * needs (alloy-components.ts). DNS for all.
 */
import { Lazy } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import {
  IntOrString, KubeNetworkPolicy, NetworkPolicyEgressRule, NetworkPolicyIngressRule, NetworkPolicyPeer, NetworkPolicyPort,
} from '../../imports/k8s';
import { Alloy } from './alloy';
import { configNeeds } from './alloy-components';
import { DEFAULT_INSTANCE } from './common-props';
import { Audience, Connections, Peer, Reach } from './connections';
import { ServerWorkload } from './server-workload';

export interface StackNetworkPoliciesProps {
  readonly namespace: string;
  /** `app.kubernetes.io/instance` of the policies. @default "observability" */
  readonly instance?: string;
  /**
   * Collectors outside this construct's scope. Every workload beneath the scope (the stack)
   * gets a policy: create the policies after them.
   *
   * @default - none
   */
  readonly collectors?: readonly Alloy[];
  /**
   * Namespaces (by label) whose pods may send OTLP to the collectors' receivers.
   *
   * @default - every namespace
   */
  readonly otlpFromNamespaces?: Record<string, string>;
  /**
   * Namespaces (by label) whose pods may reach Grafana, such as the ingress controller's.
   *
   * @default - every namespace
   */
  readonly grafanaFromNamespaces?: Record<string, string>;
  /** Namespace of the cluster DNS. @default "kube-system" */
  readonly dnsNamespace?: string;
  /** Labels of the cluster DNS pods. @default { "k8s-app": "kube-dns" } */
  readonly dnsPodLabels?: Record<string, string>;
  /**
   * Where the Kubernetes API server and the kubelets are, for the collector's discovery and
   * kubelet scraping. Some CNIs (Cilium by default) do not match node addresses with a
   * 0.0.0.0/0 block: give the node and API server CIDRs there.
   *
   * @default ["0.0.0.0/0"]
   */
  readonly clusterCidrs?: readonly string[];
}

/** The order of the policies after the collectors', by role (`app.kubernetes.io/component`). */
const ROLE_ORDER = ['metrics-exporter', 'traces-backend', 'logs-backend', 'metrics-backend', 'dashboards', 'alerting'];

function tcp(...ports: number[]): NetworkPolicyPort[] {
  return [...new Set(ports)].sort((a, b) => a - b).map((port) => ({ protocol: 'TCP', port: IntOrString.fromNumber(port) }));
}

/** Peers grouped by the ports they use, in the order first recorded. */
function byPorts(entries: ReadonlyArray<{ peer: Peer; port: number }>): Array<{ peers: Peer[]; ports: number[] }> {
  const portsOf = new Map<Peer, number[]>();
  for (const e of entries) portsOf.set(e.peer, [...new Set([...(portsOf.get(e.peer) ?? []), e.port])]);
  const groups: Array<{ peers: Peer[]; ports: number[] }> = [];
  for (const [peer, ports] of portsOf) {
    const key = [...ports].sort((a, b) => a - b).join(',');
    const group = groups.find((g) => [...g.ports].sort((a, b) => a - b).join(',') === key);
    if (group !== undefined) group.peers.push(peer);
    else groups.push({ peers: [peer], ports });
  }
  return groups;
}

export class StackNetworkPolicies extends Construct {
  public readonly policies: KubeNetworkPolicy[] = [];
  private readonly connections: Connections;
  private readonly workloads: ServerWorkload[];
  private readonly collectorOf = new Map<ServerWorkload, Alloy>();
  /** The namespaces these policies deny by default. */
  private readonly governed = new Set<string>();
  /** Workloads of yours given a policy by addClient. */
  private readonly clients: Peer[] = [];

  public constructor(scope: Construct, id: string, private readonly props: StackNetworkPoliciesProps) {
    super(scope, id);
    this.connections = Connections.of(this);
    const beneath = scope.node.findAll();
    const collectors = [...new Set([...beneath.filter((c: IConstruct): c is Alloy => c instanceof Alloy), ...(props.collectors ?? [])])];
    for (const c of collectors) this.collectorOf.set(c.workload, c);
    // the collectors first (their traffic is the stack's purpose), then every other workload in
    // the order of its role: exporters, backends, dashboards, alerting
    const others = beneath.filter((c: IConstruct): c is ServerWorkload => c instanceof ServerWorkload && !this.collectorOf.has(c));
    const rank = (w: ServerWorkload) => { const i = ROLE_ORDER.indexOf(w.role); return i < 0 ? ROLE_ORDER.length : i; };
    this.workloads = [...collectors.map((c) => c.workload), ...others.map((w, i) => ({ w, i })).sort((a, b) => rank(a.w) - rank(b.w) || a.i - b.i).map((x) => x.w)];

    // the stack's namespace first; then each other namespace (the node-logs DaemonSet's) with
    // its own baseline and its workloads' policies; then the stack's workloads
    this.baseline(props.namespace);
    const remote = this.workloads.filter((w) => w.peer.namespace !== props.namespace);
    const seen = new Set<string>();
    for (const w of [...remote, ...this.workloads.filter((x) => x.peer.namespace === props.namespace)]) {
      if (w.peer.namespace !== props.namespace && !seen.has(w.peer.namespace)) {
        seen.add(w.peer.namespace);
        this.baseline(w.peer.namespace);
      }
      const local = w.peer.namespace === props.namespace;
      this.policies.push(new KubeNetworkPolicy(this, local ? w.peer.name : `${w.peer.namespace}-${w.peer.name}`, {
        metadata: this.metadata(w.peer.name, w.peer.namespace),
        spec: {
          podSelector: { matchLabels: { ...w.peer.selector } },
          policyTypes: Lazy.any({ produce: () => [...(this.ingress(w).length > 0 ? ['Ingress'] : []), ...(this.egress(w).length > 0 ? ['Egress'] : [])] }) as never,
          ingress: Lazy.any({ produce: () => (this.ingress(w).length > 0 ? this.ingress(w) : undefined) }) as never,
          egress: Lazy.any({ produce: () => (this.egress(w).length > 0 ? this.egress(w) : undefined) }) as never,
        },
      }));
    }
  }

  private metadata(name: string, namespace: string) {
    return {
      name,
      namespace,
      labels: { 'app.kubernetes.io/instance': this.props.instance ?? DEFAULT_INSTANCE, 'app.kubernetes.io/part-of': 'cdk8s-alloy', 'app.kubernetes.io/managed-by': 'cdk8s' },
    };
  }

  /** Whether these policies deny by default in `namespace` (the stack's, or a collector's other one). */
  public governs(namespace: string): boolean {
    return this.governed.has(namespace);
  }

  /**
   * A workload of yours in a namespace these policies deny by default (see `governs`): a
   * policy `<name>-egress` of its own lets out what was recorded from it, such as its OTLP to
   * the gateway (`instrument`). Its other traffic stays yours to allow. Once per peer.
   */
  public addClient(client: Peer): void {
    if (!this.governs(client.namespace)) {
      throw new Error(
        `${this.node.path}: addClient of a workload in a namespace these policies do not govern (got "${client.namespace}"); ` +
        `only ${[...this.governed].join(', ')} are denied by default: elsewhere its egress is yours to allow`,
      );
    }
    if (this.clients.includes(client)) return;
    this.clients.push(client);
    const local = client.namespace === this.props.namespace;
    const name = `${client.name}-egress`;
    const egress = (): NetworkPolicyEgressRule[] => {
      const targets = new Map<Peer, number[]>();
      for (const c of this.connections.all.filter((x) => x.from === client)) targets.set(c.to, [...(targets.get(c.to) ?? []), c.port]);
      return [...targets].map(([peer, ports]) => ({ to: [this.peer(peer, client.namespace)], ports: tcp(...ports) }));
    };
    this.policies.push(new KubeNetworkPolicy(this, local ? `client-${client.name}` : `client-${client.namespace}-${client.name}`, {
      metadata: this.metadata(name, client.namespace),
      spec: {
        podSelector: { matchLabels: Lazy.any({ produce: () => ({ ...client.selector }) }) as never },
        policyTypes: ['Egress'],
        egress: Lazy.any({ produce: () => egress() }) as never,
      },
    }));
  }

  /** Default deny in `namespace`, and DNS for every pod there. */
  private baseline(namespace: string): void {
    this.governed.add(namespace);
    const policy = (name: string, spec: object) => this.policies.push(new KubeNetworkPolicy(
      this, namespace === this.props.namespace ? name : `${namespace}-${name}`, { metadata: this.metadata(name, namespace), spec: spec as never },
    ));
    policy('default-deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    // the cluster DNS (kube-dns / CoreDNS, labelled k8s-app=kube-dns in kube-system)
    policy('allow-dns', {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [{
        to: [{
          namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': this.props.dnsNamespace ?? 'kube-system' } },
          podSelector: { matchLabels: this.props.dnsPodLabels ?? { 'k8s-app': 'kube-dns' } },
        }],
        ports: [{ protocol: 'UDP', port: IntOrString.fromNumber(53) }, { protocol: 'TCP', port: IntOrString.fromNumber(53) }],
      }],
    });
  }

  /** A peer as seen from a pod in `namespace`: by pod, and by namespace when it is in another one. */
  private peer(p: Peer, namespace: string): NetworkPolicyPeer {
    return p.namespace === namespace
      ? { podSelector: { matchLabels: { ...p.selector } } }
      : { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': p.namespace } }, podSelector: { matchLabels: { ...p.selector } } };
  }

  private get anywhere(): NetworkPolicyPeer[] {
    return (this.props.clusterCidrs ?? ['0.0.0.0/0']).map((cidr) => ({ ipBlock: { cidr } }));
  }

  private audience(audience: Audience): NetworkPolicyPeer {
    const labels = audience === 'otlp-senders' ? this.props.otlpFromNamespaces : this.props.grafanaFromNamespaces;
    return { namespaceSelector: labels === undefined ? {} : { matchLabels: labels } };
  }

  /** The workload a recorded connection from a collector's component comes from. */
  private workloadOfConfig(config: IConstruct): ServerWorkload | undefined {
    const scope = config.node.scope;
    return scope instanceof Alloy ? scope.workload : undefined;
  }

  /** Who reaches `w`: its entry points, then what was recorded toward it. */
  private ingress(w: ServerWorkload): NetworkPolicyIngressRule[] {
    const ns = w.peer.namespace;
    const entries = this.connections.entryPoints.filter((e) => e.to === w.peer)
      .map((e) => ({ from: [this.audience(e.audience)], ports: tcp(...e.ports) }));
    const recorded = [
      ...this.connections.components.filter((c) => c.to === w.peer)
        .flatMap((c) => { const from = this.workloadOfConfig(c.config); return from === undefined ? [] : [{ peer: from.peer, port: c.port }]; }),
      ...this.connections.all.filter((c) => c.to === w.peer).map((c) => ({ peer: c.from, port: c.port })),
    ];
    return [...entries, ...byPorts(this.ordered(recorded, w.peer)).map((g) => ({ from: g.peers.map((p) => this.peer(p, ns)), ports: tcp(...g.ports) }))];
  }

  /**
   * Connections in a stable order: the other collectors first (in the order of their
   * policies), then every other peer as recorded, the workload's own pods last.
   */
  private ordered<T extends { readonly peer: Peer }>(list: readonly T[], self: Peer): T[] {
    const collectors = [...this.collectorOf.keys()].map((w) => w.peer);
    const rank = (p: Peer) => (p === self ? collectors.length + 1 : collectors.includes(p) ? collectors.indexOf(p) : collectors.length);
    return list.map((x, i) => ({ x, i })).sort((a, b) => rank(a.x.peer) - rank(b.x.peer) || a.i - b.i).map(({ x }) => x);
  }

  /** Where `w` reaches: what was recorded from it, then, for a collector, what its components need. */
  private egress(w: ServerWorkload): NetworkPolicyEgressRule[] {
    const ns = w.peer.namespace;
    const recorded = [
      ...this.connections.components.filter((c) => this.workloadOfConfig(c.config) === w).map((c) => ({ peer: c.to, port: c.port })),
      ...this.connections.all.filter((c) => c.from === w.peer).map((c) => ({ peer: c.to, port: c.port })),
    ];
    const targets = new Map<Peer, number[]>();
    for (const r of this.ordered(recorded, w.peer)) targets.set(r.peer, [...(targets.get(r.peer) ?? []), r.port]);
    const own = targets.get(w.peer);
    targets.delete(w.peer);
    const rules: NetworkPolicyEgressRule[] = [...targets].map(([peer, ports]) => ({ to: [this.peer(peer, ns)], ports: tcp(...ports) }));
    const collector = this.collectorOf.get(w);
    const external = new Map<Reach, number[]>();
    for (const e of this.connections.external.filter((x) => x.from === w.peer)) external.set(e.reach, [...(external.get(e.reach) ?? []), e.port]);
    if (collector !== undefined) this.collectorNeeds(collector, rules, external);
    // its own pods (clustering), after what it reaches outside itself
    if (own !== undefined) rules.push({ to: [this.peer(w.peer, ns)], ports: tcp(...own) });
    const reach: Record<Reach, () => NetworkPolicyPeer[]> = {
      'api-server': () => this.anywhere,
      'kubelets': () => this.anywhere,
      'in-cluster': () => [{ namespaceSelector: {} }, ...this.anywhere],
      'anywhere': () => [{ namespaceSelector: {} }, { ipBlock: { cidr: '0.0.0.0/0' } }],
      'internet': () => [{ ipBlock: { cidr: '0.0.0.0/0' } }],
    };
    for (const kind of ['api-server', 'kubelets', 'in-cluster', 'anywhere', 'internet'] as const) {
      const ports = external.get(kind);
      if (ports !== undefined) rules.push({ to: reach[kind](), ports: tcp(...ports) });
    }
    return rules;
  }

  /**
   * What a collector's components need beyond the recorded connections, from the table of
   * alloy-components.ts: pods found by discovery (in the namespaces it is limited to), the
   * Kubernetes API and the kubelets (from its access rules), and destinations outside the stack
   * (addresses of components whose traffic no backend recorded).
   */
  private collectorNeeds(alloy: Alloy, rules: NetworkPolicyEgressRule[], external: Map<Reach, number[]>): void {
    const needs = configNeeds(alloy.config, alloy.namespaceName);
    const discovered = needs.components.filter((c) => c.egress.scrapes === 'discovered');
    if (discovered.length > 0) {
      const everywhere = needs.components.some((c) => c.egress.discoversPodsIn === 'all');
      const names = [...new Set(needs.components.flatMap((c) => (c.egress.discoversPodsIn === 'all' ? [] : c.egress.discoversPodsIn ?? [])))].sort();
      // pods found by discovery, on the port their annotations name
      rules.push({
        to: everywhere || names.length === 0
          ? [{ namespaceSelector: {} }]
          : names.map((n) => ({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': n } } })),
      });
    }
    const add = (reach: Reach, ...ports: number[]) => external.set(reach, [...(external.get(reach) ?? []), ...ports]);
    const access = alloy.accessRules();
    // the Kubernetes API: its address differs per cluster
    if (access.cluster.length > 0 || access.byNamespace.size > 0) add('api-server', 443, 6443);
    if (access.cluster.some((r) => r.resources.includes('nodes/metrics'))) add('kubelets', 10250);
    for (const c of needs.components.filter((x) => !this.connections.isRecorded(x.component))) {
      const addresses = [...c.egress.sendsTo, ...(Array.isArray(c.egress.scrapes) ? c.egress.scrapes : [])];
      // other namespaces' Services, or hosts outside the cluster
      for (const a of addresses) {
        const target = parseAddress(a);
        if (target !== undefined) add('anywhere', target.port);
      }
    }
  }
}

/** Host and port of `host:port` or a URL (the scheme's port when none is given). */
export function parseAddress(address: string): { host: string; port: number } | undefined {
  const dns = /^dns:\/\/[^/]*\/(.+)$/.exec(address);
  if (dns) return parseAddress(dns[1]);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(address)) {
    try {
      const u = new URL(address);
      return { host: u.hostname, port: u.port !== '' ? Number(u.port) : u.protocol === 'https:' ? 443 : 80 };
    } catch {
      return undefined;
    }
  }
  const m = /^\[?([^\]]+?)\]?:(\d+)$/.exec(address);
  return m ? { host: m[1], port: Number(m[2]) } : undefined;
}
