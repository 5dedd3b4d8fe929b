/**
 * What the Kubernetes API must allow the collector, read from the components of its config:
 * each component that talks to the API needs exactly these verbs on these resources, in a
 * namespace (a Role) where the component is limited to one, cluster-wide (a ClusterRole)
 * otherwise.
 */
import { AlloyValue, Block, Statement } from '../alloy';
import { AccessRule, SERVICE_ACCOUNT_TOKEN } from '../pipelines';

/** A rule, and the namespace it applies in (undefined: cluster-wide). */
export interface ScopedRule {
  readonly namespace?: string;
  readonly rule: AccessRule;
}

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

/** Components that talk to the Kubernetes API and whose needs are not derived here: fail closed. */
const UNMAPPED = new Set(['discovery.kubelet', 'mimir.alerts.kubernetes', 'otelcol.receiver.k8s_cluster', 'otelcol.receiver.k8sobjects', 'beyla.ebpf']);


/**
 * The API access one component needs, from its rendered block. Throws for a component that
 * needs the API in a way this cannot derive (an argument given as an expression, or a
 * component not mapped), unless `granted` says the user gave the access by hand.
 */
export function accessOf(block: Block, ownNamespace: string, subject = block.name, granted = false): ScopedRule[] {
  if (UNMAPPED.has(block.name) && !granted) {
    throw new Error(
      `${subject}: ${block.name} needs Kubernetes API access that cdk8s-alloy does not derive; ` +
      'grant it with alloy.grantClusterAccess([...]) (the rules its documentation lists)',
    );
  }
  const literal = (name: string, v: AlloyValue | undefined): void => {
    if (v !== undefined && typeof v !== 'string' && !(Array.isArray(v) && v.every((x) => typeof x === 'string')) && typeof v !== 'boolean') {
      throw new Error(`${subject}: ${name} must be a literal to derive the RBAC it needs (got an expression); write it out, or grant the access by hand`);
    }
  };
  const attr = (body: readonly Statement[], name: string): AlloyValue | undefined => {
    const a = body.find((s) => s.kind === 'attribute' && s.name === name);
    return a?.kind === 'attribute' ? a.value : undefined;
  };
  const sub = (name: string): Block | undefined => block.body.find((s): s is Block => s.kind === 'block' && s.name === name);
  const inNamespaces = (namespaces: string[] | undefined, rules: AccessRule[]): ScopedRule[] =>
    namespaces === undefined || namespaces.length === 0
      ? rules.map((rule) => ({ rule }))
      : namespaces.flatMap((namespace) => rules.map((rule) => ({ namespace, rule })));
  const strings = (v: AlloyValue | undefined): string[] | undefined =>
    Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : undefined;

  switch (block.name) {
    case 'discovery.kubernetes': {
      const role = attr(block.body, 'role');
      literal('role', role);
      const resources = typeof role === 'string' ? DISCOVERY_RESOURCES[role] : undefined;
      if (resources === undefined) return [];
      const ns = sub('namespaces');
      let namespaces: string[] | undefined;
      if (ns !== undefined) {
        literal('namespaces.names', attr(ns.body, 'names'));
        namespaces = [...(strings(attr(ns.body, 'names')) ?? []), ...(attr(ns.body, 'own_namespace') === true ? [ownNamespace] : [])];
      }
      const rules = resources.map(([group, res]) => ({ apiGroups: [group], resources: res, verbs: READ }));
      const meta = sub('attach_metadata');
      const nodeMeta = meta !== undefined && attr(meta.body, 'node') === true
        ? [{ rule: { apiGroups: [''], resources: ['nodes'], verbs: READ } }]
        : [];
      return [...inNamespaces(namespaces, rules), ...nodeMeta];
    }
    case 'loki.source.kubernetes':
      return [{ rule: { apiGroups: [''], resources: ['pods', 'pods/log'], verbs: READ } }];
    case 'loki.source.podlogs':
      return [
        { rule: { apiGroups: ['monitoring.grafana.com'], resources: ['podlogs'], verbs: READ } },
        { rule: { apiGroups: [''], resources: ['pods', 'pods/log', 'namespaces'], verbs: READ } },
      ];
    case 'loki.source.kubernetes_events':
      literal('namespaces', attr(block.body, 'namespaces'));
      return inNamespaces(strings(attr(block.body, 'namespaces')), [{ apiGroups: [''], resources: ['events'], verbs: READ }]);
    case 'remote.kubernetes.secret':
    case 'remote.kubernetes.configmap': {
      const name = attr(block.body, 'name');
      const namespace = attr(block.body, 'namespace');
      literal('name', name);
      literal('namespace', namespace);
      const resource = block.name.endsWith('secret') ? 'secrets' : 'configmaps';
      return [{
        namespace: typeof namespace === 'string' ? namespace : ownNamespace,
        rule: { apiGroups: [''], resources: [resource], verbs: ['get'], ...(typeof name === 'string' ? { resourceNames: [name] } : {}) },
      }];
    }
    case 'otelcol.processor.k8sattributes':
      return [
        { rule: { apiGroups: [''], resources: ['pods', 'namespaces', 'nodes'], verbs: READ } },
        { rule: { apiGroups: ['apps'], resources: ['replicasets'], verbs: READ } },
      ];
    case 'prometheus.operator.servicemonitors':
    case 'prometheus.operator.podmonitors':
    case 'prometheus.operator.probes':
    case 'prometheus.operator.scrapeconfigs': {
      const crd = block.name.slice('prometheus.operator.'.length);
      return [
        { rule: { apiGroups: ['monitoring.coreos.com'], resources: [crd], verbs: READ } },
        { rule: { apiGroups: [''], resources: ['pods', 'services', 'endpoints', 'namespaces'], verbs: READ } },
        { rule: { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: READ } },
      ];
    }
    case 'mimir.rules.kubernetes':
    case 'loki.rules.kubernetes':
      return [
        { rule: { apiGroups: ['monitoring.coreos.com'], resources: ['prometheusrules'], verbs: READ } },
        { rule: { apiGroups: [''], resources: ['namespaces'], verbs: READ } },
      ];
    case 'prometheus.scrape':
      // scraping the kubelets with the ServiceAccount's token needs their metrics endpoint
      return attr(block.body, 'bearer_token_file') === SERVICE_ACCOUNT_TOKEN
        ? [{ rule: { apiGroups: [''], resources: ['nodes/metrics'], verbs: ['get'] } }]
        : [];
    default:
      return [];
  }
}

/**
 * Rules merged: rules with the same API groups, verbs and names become one, holding the
 * union of their resources, in first-seen order.
 */
export function mergeRules(rules: readonly AccessRule[]): AccessRule[] {
  const merged = new Map<string, AccessRule>();
  for (const r of rules) {
    const key = JSON.stringify([r.apiGroups, r.verbs, r.resourceNames ?? []]);
    const seen = merged.get(key);
    merged.set(key, seen === undefined
      ? r
      : { ...seen, resources: [...seen.resources, ...r.resources.filter((x) => !seen.resources.includes(x))] });
  }
  return [...merged.values()];
}
