/**
 * What the Kubernetes API must allow the collector, read from the components of its config:
 * each component that talks to the API needs exactly these verbs on these resources, in a
 * namespace (a Role) where the component is limited to one, cluster-wide (a ClusterRole)
 * otherwise. Which component needs what is in the table of `alloy-components.ts`.
 */
import { Block } from '../alloy';
import { AccessRule } from '../pipelines';
import { AccessNeed, componentNeeds } from './alloy-components';

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
