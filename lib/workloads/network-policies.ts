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
import { Block, Statement } from '../alloy';
import { Alertmanager } from './alertmanager';
import { Alloy } from './alloy';
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
  readonly alloy: Alloy;
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

export class StackNetworkPolicies extends Construct {
  public readonly policies: KubeNetworkPolicy[] = [];

  public constructor(scope: Construct, id: string, private readonly props: StackNetworkPoliciesProps) {
    super(scope, id);
    const { alloy, tempo, prometheus, loki, grafana, alertmanager } = props;
    const a = alloy.workload;
    const t = tempo.workload;
    const p = prometheus.workload;
    const l = loki.workload;
    const g = grafana.workload;
    const am = alertmanager.workload;
    const policy = (name: string, podSelector: Record<string, string> | undefined, types: string[], ingress?: NetworkPolicyIngressRule[], egress?: unknown) => {
      this.policies.push(new KubeNetworkPolicy(this, name, {
        metadata: {
          name,
          namespace: props.namespace,
          labels: { 'app.kubernetes.io/instance': props.instance ?? DEFAULT_INSTANCE, 'app.kubernetes.io/part-of': 'cdk8s-alloy', 'app.kubernetes.io/managed-by': 'cdk8s' },
        },
        spec: { podSelector: podSelector === undefined ? {} : { matchLabels: podSelector }, policyTypes: types, ingress, egress: egress as NetworkPolicyEgressRule[] },
      }));
    };

    policy('default-deny', undefined, ['Ingress', 'Egress']);
    // the cluster DNS (kube-dns / CoreDNS, labelled k8s-app=kube-dns in kube-system)
    policy('allow-dns', undefined, ['Egress'], undefined, [{
      to: [{
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': props.dnsNamespace ?? 'kube-system' } },
        podSelector: { matchLabels: props.dnsPodLabels ?? { 'k8s-app': 'kube-dns' } },
      }],
      ports: [{ protocol: 'UDP', port: IntOrString.fromNumber(53) }, { protocol: 'TCP', port: IntOrString.fromNumber(53) }],
    }]);
    policy('alloy', a.selector, ['Ingress', 'Egress'], [
      // OTLP and any receiver port the user added, from the allowed namespaces
      { from: [namespaces(props.otlpFromNamespaces)], ports: tcp(...a.ports.filter((x) => x.name !== 'http-metrics').map((x) => x.port)) },
      // scraping by Prometheus, and the other replicas (clustering)
      { from: [pods(p), pods(a)], ports: tcp(a.port('http-metrics')) },
    ], Lazy.any({ produce: () => this.alloyEgress() }));
    policy('tempo', t.selector, ['Ingress', 'Egress'], [
      { from: [pods(a)], ports: tcp(t.port('otlp-grpc'), t.port('otlp-http')) },
      { from: [pods(g), pods(p)], ports: tcp(t.port('http')) },
    ], [{ to: [pods(p)], ports: tcp(p.port('http')) }]);
    policy('loki', l.selector, ['Ingress'], [
      { from: [pods(a), pods(g), pods(p)], ports: tcp(l.port('http')) },
    ]);
    policy('prometheus', p.selector, ['Ingress', 'Egress'], [
      { from: [pods(a), pods(t), pods(g)], ports: tcp(p.port('http')) },
    ], Lazy.any({ produce: () => this.prometheusEgress() }));
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

  private get anywhere(): NetworkPolicyPeer[] {
    return (this.props.clusterCidrs ?? ['0.0.0.0/0']).map((cidr) => ({ ipBlock: { cidr } }));
  }

  /** The workload of the stack a host name points at: the Service name, or its namespaced or full name. */
  private stackWorkload(host: string): ServerWorkload | undefined {
    const { alloy, tempo, prometheus, loki, grafana, alertmanager, namespace } = this.props;
    return [alloy, tempo, prometheus, loki, grafana, alertmanager].map((x) => x.workload).find((w) =>
      [w.host, `${w.host}.${namespace}`, `${w.host}.${namespace}.svc`, `${w.host}.${namespace}.svc.cluster.local`].includes(host));
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
  private alloyEgress(): NetworkPolicyEgressRule[] {
    const { alloy } = this.props;
    const a = alloy.workload;
    const internal = new Map<ServerWorkload, Set<number>>();
    const external = new Set<number>();
    for (const c of alloy.config.components) {
      if (!/^(otelcol\.exporter\.|prometheus\.remote_write$|loki\.write$)/.test(c.componentName)) continue;
      for (const address of addresses(c.toStatement())) {
        const target = parseAddress(address);
        if (target === undefined) continue;
        const w = this.stackWorkload(target.host);
        if (w !== undefined) internal.set(w, new Set([...(internal.get(w) ?? []), target.port]));
        else external.add(target.port);
      }
    }
    const rules: NetworkPolicyEgressRule[] = [...internal].map(([w, ports]) => ({ to: [pods(w)], ports: tcp(...ports) }));
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
