/**
 * The rules of a config's graph, shared by AlloyConfig (which checks the components a program
 * builds, at synth) and by the check of a config.alloy file as written (lib/alloy/check): one
 * wording for each problem, without the subject (a construct path or a `file:line:col`), which
 * each caller puts in front. Not exported from the package root.
 */

/**
 * Two components of one Alloy name with one label. `otherAt` says where the first is (a
 * construct path or a position), `fix` how to pass another label.
 */
export function duplicateLabelProblem(name: string, label: string, otherAt: string, fix: string): string {
  return (
    `duplicate component ${name} "${label}", also at ${otherAt} (got label "${label}"); ` +
    `a label must be unique among the ${name} components of a config: ${fix}`
  );
}

/** A configuration block (`logging`, `tracing`, ...) given twice; `otherAt` says where the first is. */
export function secondConfigBlockProblem(name: string, otherAt: string): string {
  return `a second ${name} block (also at ${otherAt}); a config has at most one: merge them`;
}

/** Components that reference each other in a loop, `ids` from the first back to it. */
export function cycleProblem(ids: readonly string[]): string {
  return `components reference each other in a cycle (${ids.join(' -> ')}); Alloy refuses cyclic configs: break the loop`;
}

/**
 * A cycle in a graph, as the nodes along it with the first repeated at the end; undefined when
 * there is none. Nodes are visited in the order given, so the answer is deterministic.
 */
export function findCycle<T>(nodes: readonly T[], edges: ReadonlyMap<T, readonly T[]>): T[] | undefined {
  const state = new Map<T, 'visiting' | 'done'>();
  const stack: T[] = [];
  const visit = (n: T): T[] | undefined => {
    if (state.get(n) === 'done') return undefined;
    if (state.get(n) === 'visiting') return [...stack.slice(stack.indexOf(n)), n];
    state.set(n, 'visiting');
    stack.push(n);
    for (const m of edges.get(n) ?? []) {
      const found = visit(m);
      if (found) return found;
    }
    stack.pop();
    state.set(n, 'done');
    return undefined;
  };
  for (const n of nodes) {
    const found = visit(n);
    if (found) return found;
  }
  return undefined;
}

/** Go's time.ParseDuration syntax: `"0"`, or numbers with units, such as `"1h30m"` or `"500ms"`. */
const DURATION = /^[-+]?(0|([0-9]+(\.[0-9]*)?|\.[0-9]+)(ns|us|µs|μs|ms|s|m|h))+$/;

/** Whether `text` is a duration as Alloy reads one (Go's syntax). */
export function isDuration(text: string): boolean {
  return DURATION.test(text);
}

/** How to write a duration, for messages. */
export const DURATION_HINT = 'write it as Go does, such as "30s", "5m" or "1h30m"';
