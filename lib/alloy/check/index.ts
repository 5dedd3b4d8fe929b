/**
 * The check of a config.alloy file as written, against the Alloy v1.18.1 catalog. Not exported
 * from lib/alloy (it loads the catalog, which synth does not need); the `check` command uses it.
 */
export * from './check';
export { CATALOG } from './catalog';
export type { ArgumentFacts, BlockFacts, Catalog, ComponentFacts } from './catalog';
