/**
 * NetworkPolicies of the stack: deny everything in the namespace, then allow only what the
 * stack needs. OTLP into Alloy (from every namespace, or those a selector picks); Alloy to
 * the backends and to the external destinations its config sends to; Grafana to the
 * backends; Prometheus to what it scrapes and to Alertmanager; Tempo's metrics generator to
 * Prometheus; Alertmanager to its receivers; DNS for all.
 */
import { Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import {
  IntOrString, KubeNetworkPolicy, NetworkPolicyEgressRule, NetworkPolicyIngressRule, NetworkPolicyPeer, NetworkPolicyPort,
} from '../../imports/k8s';
import { Alertmanager } from './alertmanager';
import { Alloy } from './alloy';
import { ConfigNeeds, configNeeds } from './alloy-components';
import { KubeStateMetrics } from './kube-state-metrics';
import { DEFAULT_INSTANCE } from './common-props';
import { Grafana } from './grafana';
import { Loki } from './loki';
import { Prometheus } from './prometheus';
import { ServerWorkload } from './server-workload';
import { Tempo } from './tempo';

export interface StackNetworkPoliciesProps {
  readonly namespace: string;
  /** `app.kubernetes.io/instance` of the policies. @default "observability" */
  readonly instance?: string;
  /** The OTLP gateway. */
  readonly alloy: Alloy;
  /**
   * More collectors (scraping, logs). Those in this namespace get a policy each; those in
   * other namespaces (the node-logs DaemonSet) may reach the backends they send to.
   *
   * @default - none
   */
  readonly collectors?: readonly Alloy[];
  /** kube-state-metrics, when the stack runs it. @default - none */
  readonly kubeStateMetrics?: KubeStateMetrics;
  readonly tempo: Tempo;
  readonly prometheus: Prometheus;
  readonly loki: Loki;
  readonly grafana: Grafana;
  readonly alertmanager: Alertmanager;
  /**
   * Namespaces (by label) whose pods may send OTLP to Alloy.
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


function tcp(...ports: number[]): NetworkPolicyPort[] {
  return [...new Set(ports)].sort((a, b) => a - b).map((port) => ({ protocol: 'TCP', port: IntOrString.fromNumber(port) }));
}

function pods(w: ServerWorkload): NetworkPolicyPeer {
  return { podSelector: { matchLabels: w.selector } };
}

function namespaces(labels: Record<string, string> | undefined): NetworkPolicyPeer {
  return { namespaceSelector: labels === undefined ? {} : { matchLabels: labels } };
}

type EgressTargets = { internal: Map<ServerWorkload, Set<number>>; external: Set<number>; discovered: boolean; discoveredIn?: string[] };

export class StackNetworkPolicies extends Construct {
  public readonly policies: KubeNetworkPolicy[] = [];
  /** Each collector's targets, read once per synth (several policies ask), with the component count they were read at. */
  private readonly targets = new Map<Alloy, { components: number; targets: EgressTargets }>();

  public constructor(scope: Construct, id: string, private readonly props: StackNetworkPoliciesProps) {
    super(scope, id);
    const { alloy, tempo, prometheus, loki, grafana, alertmanager } = props;
    const a = alloy.workload;
    const t = tempo.workload;
    const p = prometheus.workload;
    const l = loki.workload;
    const g = grafana.workload;
    const am = alertmanager.workload;
    const policy = (name: string, podSelector: Record<string, string> | undefined, types: string[], ingress?: NetworkPolicyIngressRule[], egress?: unknown, namespace = props.namespace) => {
      this.policies.push(new KubeNetworkPolicy(this, namespace === props.namespace ? name : `${namespace}-${name}`, {
        metadata: {
          name,
          namespace,
          labels: { 'app.kubernetes.io/instance': props.instance ?? DEFAULT_INSTANCE, 'app.kubernetes.io/part-of': 'cdk8s-alloy', 'app.kubernetes.io/managed-by': 'cdk8s' },
        },
        spec: { podSelector: podSelector === undefined ? {} : { matchLabels: podSelector }, policyTypes: types, ingress, egress: egress as NetworkPolicyEgressRule[] },
      }));
    };

    const baseline = (namespace: string) => {
      policy('default-deny', undefined, ['Ingress', 'Egress'], undefined, undefined, namespace);
      // the cluster DNS (kube-dns / CoreDNS, labelled k8s-app=kube-dns in kube-system)
      policy('allow-dns', undefined, ['Egress'], undefined, [{
        to: [{
          namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': props.dnsNamespace ?? 'kube-system' } },
          podSelector: { matchLabels: props.dnsPodLabels ?? { 'k8s-app': 'kube-dns' } },
        }],
        ports: [{ protocol: 'UDP', port: IntOrString.fromNumber(53) }, { protocol: 'TCP', port: IntOrString.fromNumber(53) }],
      }], namespace);
    };
    baseline(props.namespace);
    // collectors in namespaces of their own (the node-logs DaemonSet): the same default deny
    // there, Prometheus's scrape in, and their egress out
    for (const c of this.allCollectors.filter((x) => x.namespaceName !== props.namespace)) {
      baseline(c.namespaceName);
      policy(c.name, c.workload.selector, ['Ingress', 'Egress'], [
        { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': props.namespace } }, podSelector: { matchLabels: p.selector } }], ports: tcp(c.workload.port('http-metrics')) },
      ], Lazy.any({ produce: () => this.alloyEgress(c) }), c.namespaceName);
    }
    for (const c of this.localCollectors) {
      const w = c.workload;
      const receivers = w.ports.filter((x) => x.name !== 'http-metrics').map((x) => x.port);
      policy(c.name, w.selector, ['Ingress', 'Egress'], [
        // OTLP and any receiver port the user added, from the allowed namespaces
        ...(receivers.length > 0 ? [{ from: [namespaces(props.otlpFromNamespaces)], ports: tcp(...receivers) }] : []),
        // scraping by Prometheus, and the other replicas (clustering)
        { from: [pods(p), pods(w)], ports: tcp(w.port('http-metrics')) },
      ], Lazy.any({ produce: () => this.alloyEgress(c) }));
    }
    const ksm = props.kubeStateMetrics;
    if (ksm !== undefined) {
      const k = ksm.workload;
      policy('kube-state-metrics', k.selector, ['Ingress', 'Egress'], Lazy.any({
        produce: () => {
          const scrapers = this.localCollectors.filter((c) => this.egressTargets(c).internal.has(k));
          return scrapers.length > 0 ? [{ from: scrapers.map((c) => pods(c.workload)), ports: tcp(k.port('http-metrics')) }] : [];
        },
      }) as never, [{ to: this.anywhere, ports: tcp(443, 6443) }]);
    }
    // a backend's ingress: from the collectors that send to it
    const senders = (w: ServerWorkload): NetworkPolicyPeer[] => this.allCollectors
      .filter((c) => this.egressTargets(c).internal.has(w))
      .map((c) => c.namespaceName === props.namespace
        ? pods(c.workload)
        : { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': c.namespaceName } }, podSelector: { matchLabels: c.workload.selector } });
    policy('tempo', t.selector, ['Ingress', 'Egress'], [
      { from: [pods(a)], ports: tcp(t.port('otlp-grpc'), t.port('otlp-http')) },
      { from: [pods(g), pods(p)], ports: tcp(t.port('http')) },
    ], [{ to: [pods(p)], ports: tcp(p.port('http')) }]);
    policy('loki', l.selector, ['Ingress'], Lazy.any({
      produce: () => [{ from: [...uniquePeers([pods(a), ...senders(l)]), pods(g), pods(p)], ports: tcp(l.port('http')) }],
    }) as never);
    policy('prometheus', p.selector, ['Ingress', 'Egress'], Lazy.any({
      produce: () => [{ from: [...uniquePeers([pods(a), ...senders(p)]), pods(t), pods(g)], ports: tcp(p.port('http')) }],
    }) as never, Lazy.any({ produce: () => this.prometheusEgress() }));
    policy('grafana', g.selector, ['Ingress', 'Egress'], [
      { from: [namespaces(props.grafanaFromNamespaces)], ports: tcp(g.port('http')) },
      { from: [pods(p)], ports: tcp(g.port('http')) },
    ], [
      { to: [pods(p)], ports: tcp(p.port('http')) },
      { to: [pods(t)], ports: tcp(t.port('http')) },
      { to: [pods(l)], ports: tcp(l.port('http')) },
    ]);
    policy('alertmanager', am.selector, ['Ingress', 'Egress'], [
      { from: [pods(p)], ports: tcp(am.port('http')) },
    ], Lazy.any({
      produce: () => {
        const ports = alertmanager.receiverPorts();
        return ports.length === 0 ? [] : [{ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: tcp(...ports) }];
      },
    }));
  }

  /** The collectors in this namespace, the gateway first. */
  private get localCollectors(): Alloy[] {
    return this.allCollectors.filter((c) => c.namespaceName === this.props.namespace);
  }

  private get allCollectors(): Alloy[] {
    return [...new Set([this.props.alloy, ...(this.props.collectors ?? [])])];
  }

  private get anywhere(): NetworkPolicyPeer[] {
    return (this.props.clusterCidrs ?? ['0.0.0.0/0']).map((cidr) => ({ ipBlock: { cidr } }));
  }

  /** The workload of the stack a host name points at: the Service name, or its namespaced or full name. */
  private stackWorkload(host: string): ServerWorkload | undefined {
    const { tempo, prometheus, loki, grafana, alertmanager, namespace } = this.props;
    const names = (h: string) => [h, `${h}.${namespace}`, `${h}.${namespace}.svc`, `${h}.${namespace}.svc.cluster.local`];
    // a collector's headless Service stands for its pods too
    const headless = this.localCollectors.find((c) => names(c.podsService.name).includes(host));
    if (headless !== undefined) return headless.workload;
    return [...this.localCollectors, tempo, prometheus, loki, grafana, alertmanager, ...(this.props.kubeStateMetrics ? [this.props.kubeStateMetrics] : [])]
      .map((x) => x.workload).find((w) => names(w.host).includes(host));
  }

  /** Prometheus's egress: every scrape target, by pod when it is part of the stack, by port otherwise. */
  private prometheusEgress(): NetworkPolicyEgressRule[] {
    const byWorkload = new Map<ServerWorkload, Set<number>>();
    const external = new Set<number>();
    for (const address of [...this.props.prometheus.scrapeAddresses(), this.props.alertmanager.alertmanagerAddress]) {
      const target = parseAddress(address)!;
      if (target.host === 'localhost') continue;
      const w = this.stackWorkload(target.host);
      if (w !== undefined) byWorkload.set(w, new Set([...(byWorkload.get(w) ?? []), target.port]));
      else external.add(target.port);
    }
    return [
      ...[...byWorkload].map(([w, ports]) => ({ to: [pods(w)], ports: tcp(...ports) })),
      ...(external.size > 0 ? [{ to: [{ namespaceSelector: {} }, ...this.anywhere], ports: tcp(...external) }] : []),
    ];
  }

  /**
   * Alloy's egress: the stack's backends by pod, every other destination of its config by
   * port, the Kubernetes API and the kubelets when its components use them.
   */
  /**
   * Where a collector's config sends and scrapes: the stack's workloads by port, other
   * hosts by port, and whether it scrapes discovered pods (any pod, any port).
   */
  private egressTargets(alloy: Alloy): EgressTargets {
    // what each component sends to and scrapes, from the table of alloy-components.ts
    const needs = configNeeds(alloy.config, alloy.namespaceName);
    const known = this.targets.get(alloy);
    if (known !== undefined && known.components === needs.components.length) return known.targets;
    const internal = new Map<ServerWorkload, Set<number>>();
    const external = new Set<number>();
    let discovered = false;
    const local = alloy.namespaceName === this.props.namespace;
    for (const { egress } of needs.components) {
      if (egress.scrapes === 'discovered') discovered = true;
      for (const address of [...(egress.scrapes === 'discovered' ? [] : egress.scrapes ?? []), ...egress.sendsTo]) {
        this.addTarget(address, local, internal, external);
      }
    }
    const result = { internal, external, discovered, discoveredIn: discovered ? discoveryNamespaces(needs) : undefined };
    this.targets.set(alloy, { components: needs.components.length, targets: result });
    return result;
  }

  private addTarget(address: string, local: boolean, internal: Map<ServerWorkload, Set<number>>, external: Set<number>): void {
    const target = parseAddress(address);
    if (target === undefined) return;
    const host = local ? target.host : target.host.replace(new RegExp(`\\.${this.props.namespace}(\\.svc(\\.cluster\\.local)?)?$`), '');
    const w = local || host !== target.host ? this.stackWorkload(host) : undefined;
    if (w !== undefined) internal.set(w, new Set([...(internal.get(w) ?? []), target.port]));
    else external.add(target.port);
  }

  private alloyEgress(alloy: Alloy): NetworkPolicyEgressRule[] {
    const a = alloy.workload;
    const { internal, external, discovered, discoveredIn } = this.egressTargets(alloy);
    // the stack's workloads: by pod, and by namespace too from a collector in another one
    const peer = (w: ServerWorkload): NetworkPolicyPeer => alloy.namespaceName === this.props.namespace
      ? pods(w)
      : { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': this.props.namespace } }, podSelector: { matchLabels: w.selector } };
    const rules: NetworkPolicyEgressRule[] = [...internal].map(([w, ports]) => ({ to: [peer(w)], ports: tcp(...ports) }));
    if (discovered) {
      // pods found by discovery, on the port their annotations name: in the namespaces the
      // discovery is limited to, else in any
      rules.push({
        to: discoveredIn === undefined
          ? [{ namespaceSelector: {} }]
          : discoveredIn.map((n) => ({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': n } } })),
      });
    }
    rules.push({ to: [pods(a)], ports: tcp(a.port('http-metrics')) });
    const access = alloy.accessRules();
    if (access.cluster.length > 0 || access.byNamespace.size > 0) {
      // the Kubernetes API: its address differs per cluster
      rules.push({ to: this.anywhere, ports: tcp(443, 6443) });
    }
    if (access.cluster.some((r) => r.resources.includes('nodes/metrics'))) {
      rules.push({ to: this.anywhere, ports: tcp(10250) });
    }
    if (external.size > 0) {
      // other namespaces' Services, or hosts outside the cluster
      rules.push({ to: [{ namespaceSelector: {} }, { ipBlock: { cidr: '0.0.0.0/0' } }], ports: tcp(...external) });
    }
    return rules;
  }
}

/**
 * The namespaces the collector's pod and Service discovery is limited to, or undefined when
 * one of them reads every namespace (or names them by an expression).
 */
function discoveryNamespaces(needs: ConfigNeeds): string[] | undefined {
  const names = new Set<string>();
  for (const { egress } of needs.components) {
    if (egress.discoversPodsIn === 'all') return undefined;
    for (const n of egress.discoversPodsIn ?? []) names.add(n);
  }
  return names.size === 0 ? undefined : [...names].sort();
}

/** Remove peers that are the same selector twice (the gateway listed again as a sender). */
function uniquePeers(peers: NetworkPolicyPeer[]): NetworkPolicyPeer[] {
  const seen = new Set<string>();
  return peers.filter((p) => {
    const key = JSON.stringify(p);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
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
