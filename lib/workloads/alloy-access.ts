/**
 * What the Kubernetes API must allow the collector, read from the components of its config:
 * each component that talks to the API needs exactly these verbs on these resources, in a
 * namespace (a Role) where the component is limited to one, cluster-wide (a ClusterRole)
 * otherwise.
 */
import { AlloyValue, Block, Statement } from '../alloy';
import { AccessRule } from '../pipelines';

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

/** The API access one component needs, from its rendered block. */
export function accessOf(block: Block, ownNamespace: string): ScopedRule[] {
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
      const resources = typeof role === 'string' ? DISCOVERY_RESOURCES[role] : undefined;
      if (resources === undefined) return [];
      const ns = sub('namespaces');
      let namespaces: string[] | undefined;
      if (ns !== undefined) {
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
      return inNamespaces(strings(attr(block.body, 'namespaces')), [{ apiGroups: [''], resources: ['events'], verbs: READ }]);
    case 'remote.kubernetes.secret':
    case 'remote.kubernetes.configmap': {
      const name = attr(block.body, 'name');
      const namespace = attr(block.body, 'namespace');
      const resource = block.name.endsWith('secret') ? 'secrets' : 'configmaps';
      return [{
        namespace: typeof namespace === 'string' ? namespace : ownNamespace,
        rule: { apiGroups: [''], resources: [resource], verbs: ['get'], ...(typeof name === 'string' ? { resourceNames: [name] } : {}) },
      }];
    }
    default:
      return [];
  }
}

/** Rules merged: one per (group, resources, verbs, names), in first-seen order. */
export function mergeRules(rules: readonly AccessRule[]): AccessRule[] {
  const seen = new Map<string, AccessRule>();
  for (const r of rules) {
    const key = JSON.stringify([r.apiGroups, r.resources, r.verbs, r.resourceNames ?? []]);
    if (!seen.has(key)) seen.set(key, r);
  }
  return [...seen.values()];
}
