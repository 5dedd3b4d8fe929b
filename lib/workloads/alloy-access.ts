/**
 * What the Kubernetes API must allow the collector, read from the components of its config:
 * each component that talks to the API needs exactly these verbs on these resources, in a
 * namespace (a Role) where the component is limited to one, cluster-wide (a ClusterRole)
 * otherwise. Which component needs what is in the table of `alloy-components.ts`.
 * `AlloyAccess` grants it to the collector's ServiceAccount.
 */
import { Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { KubeClusterRole, KubeClusterRoleBinding, KubeRole, KubeRoleBinding, PolicyRule } from '../../imports/k8s';
import { AlloyConfig, Block } from '../alloy';
import { AccessRule } from '../pipelines';
import { AccessNeed, componentNeeds, configNeeds } from './alloy-components';

/** A rule, and the namespace it applies in (undefined: cluster-wide). */
export interface ScopedRule {
  readonly namespace?: string;
  readonly rule: AccessRule;
}

/**
 * The rules of one component's access need. Throws where they cannot be derived (an argument
 * given as an expression), and for a component whose needs are not derived (fail closed)
 * unless `granted` says the user gave the access by hand.
 *
 * @internal
 */
export function accessRulesOf(need: AccessNeed, granted: boolean): readonly ScopedRule[] {
  if (need.kind === 'rules') return need.rules;
  if (need.kind === 'not-derived' && granted) return [];
  throw new Error(need.reason);
}

/**
 * The API access one component needs, from its rendered block. Throws for a component that
 * needs the API in a way this cannot derive (an argument given as an expression, or a
 * component not mapped), unless `granted` says the user gave the access by hand.
 */
export function accessOf(block: Block, ownNamespace: string, subject = block.name, granted = false): ScopedRule[] {
  return [...accessRulesOf(componentNeeds(block, { ownNamespace, subject }).access, granted)];
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

/** What the ServiceAccount may do: cluster-wide rules, and rules per namespace. */
export interface AccessRules {
  readonly cluster: AccessRule[];
  readonly byNamespace: Map<string, AccessRule[]>;
}

export interface AlloyAccessProps {
  /** The config whose components need the access. */
  readonly config: AlloyConfig;
  /** The collector's namespace: of its ServiceAccount, and where `ownNamespace` components look. */
  readonly namespace: string;
  /** The collector's name: of its Roles (`<namespace>-<name>` for a ClusterRole or a Role elsewhere). */
  readonly name: string;
  readonly serviceAccountName: string;
  readonly labels: Record<string, string>;
}

/**
 * The collector's API access: a ClusterRole `<namespace>-<name>` for cluster-wide rules, a Role
 * per namespace otherwise (each with its binding to the ServiceAccount), none at all when
 * nothing needs the API. Which objects exist depends on the components of the config, known
 * only once every component exists: they are created once, when the app is validated at synth
 * (where a component whose needs cannot be derived is reported), with rules read at render.
 */
export class AlloyAccess extends Construct {
  private readonly grants: AccessRule[] = [];
  /** What the objects were created for (at the first synth): a ClusterRole or not, the Roles' namespaces. */
  private created?: string;

  public constructor(scope: Construct, id: string, private readonly props: AlloyAccessProps) {
    super(scope, id);
    this.node.addValidation({ validate: () => this.createOnce() });
  }

  /** Grants access the components do not show (such as reading the kubelets' metrics), cluster-wide. */
  public grant(rules: readonly AccessRule[]): void {
    this.grants.push(...rules);
  }

  /**
   * The components' rules plus the grants, merged: namespaced where the component is limited to
   * namespaces, cluster-wide otherwise. Throws for a component whose needs are not derived,
   * unless something was granted by hand.
   */
  public rules(): AccessRules {
    const granted = this.grants.length > 0;
    const scoped = [
      ...configNeeds(this.props.config, this.props.namespace).components.flatMap((n) => accessRulesOf(n.access, granted)),
      ...this.grants.map((rule) => ({ rule, namespace: undefined })),
    ];
    const byNamespace = new Map<string, AccessRule[]>();
    for (const s of scoped.filter((x) => x.namespace !== undefined)) {
      byNamespace.set(s.namespace!, mergeRules([...(byNamespace.get(s.namespace!) ?? []), s.rule]));
    }
    return { cluster: mergeRules(scoped.filter((x) => x.namespace === undefined).map((x) => x.rule)), byNamespace: new Map([...byNamespace].sort()) };
  }

  /** Whether any component (or grant) needs the API, so that the token must be mounted. */
  public get needed(): boolean {
    const access = this.rules();
    return access.cluster.length + access.byNamespace.size > 0;
  }

  private createOnce(): string[] {
    let access: AccessRules;
    try {
      access = this.rules();
    } catch (e) {
      return [(e as Error).message];
    }
    const { namespace, name, labels } = this.props;
    const shape = JSON.stringify([access.cluster.length > 0, [...access.byNamespace.keys()]]);
    if (this.created !== undefined) {
      return shape === this.created ? [] : [
        `${this.node.scope!.node.path}: the components' API access changed after an earlier synth created the collector's Roles ` +
        `(then ${this.created}, now ${shape}: [ClusterRole, Role namespaces]); grant access and add every component before the first synth`,
      ];
    }
    this.created = shape;
    const toK8s = (rules: readonly AccessRule[]): PolicyRule[] => rules.map((r) => ({
      apiGroups: [...r.apiGroups], resources: [...r.resources], verbs: [...r.verbs], ...(r.resourceNames ? { resourceNames: [...r.resourceNames] } : {}),
    }));
    const subjects = [{ kind: 'ServiceAccount', name: this.props.serviceAccountName, namespace }];
    if (access.cluster.length > 0) {
      const clusterName = `${namespace}-${name}`;
      new KubeClusterRole(this, 'cluster-role', {
        metadata: { name: clusterName, labels },
        rules: Lazy.any({ produce: () => toK8s(this.rules().cluster) }),
      });
      new KubeClusterRoleBinding(this, 'cluster-role-binding', {
        metadata: { name: clusterName, labels },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: clusterName },
        subjects,
      });
    }
    for (const roleNamespace of access.byNamespace.keys()) {
      const roleName = roleNamespace === namespace ? name : `${namespace}-${name}`;
      new KubeRole(this, `role-${roleNamespace}`, {
        metadata: { name: roleName, namespace: roleNamespace, labels },
        rules: Lazy.any({ produce: () => toK8s(this.rules().byNamespace.get(roleNamespace) ?? []) }),
      });
      new KubeRoleBinding(this, `role-binding-${roleNamespace}`, {
        metadata: { name: roleName, namespace: roleNamespace, labels },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: roleName },
        subjects,
      });
    }
    return [];
  }
}
