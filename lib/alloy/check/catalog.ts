/**
 * What Alloy v1.18.1 knows, for the check of a config.alloy file: the components and
 * configuration blocks of imports/alloy/facts.json (names, required flags, kinds, nested blocks,
 * exports, stability), and the few things the facts do not hold, read from Alloy's source at
 * v1.18.1: the blocks the runtime handles itself (internal/runtime/source.go, nodeconf/*), the
 * services that take a block (internal/service/*), and the standard library
 * (syntax/internal/stdlib/stdlib.go and constants.go).
 *
 * The facts file is data, not generated code: reading it here does not make lib/alloy depend on
 * the generated classes of imports/alloy (which depend on lib/alloy).
 */
import FACTS from '../../../imports/alloy/facts.json';
import { ArgumentKind } from '../schema';
import { Stability } from '../stability';

/** An argument of a body: its kind as the facts class it, and whether Alloy requires it. */
export interface ArgumentFacts {
  readonly kind: ArgumentKind;
  readonly required: boolean;
}

/** A nested block: its own arguments, whether it must be there and whether it takes a label. */
export interface BlockFacts {
  readonly required: boolean;
  readonly labelled: boolean;
  readonly arguments: Readonly<Record<string, ArgumentFacts>>;
}

/** A component or configuration block. Blocks are keyed by their path: `endpoint`, `endpoint > queue_config`. */
export interface ComponentFacts {
  readonly stability: Stability;
  /** Documented, but no longer in Alloy's code. */
  readonly removed?: boolean;
  readonly arguments: Readonly<Record<string, ArgumentFacts>>;
  readonly blocks: Readonly<Record<string, BlockFacts>>;
  /** Export name -> Go type. */
  readonly exports: Readonly<Record<string, string>>;
}

export interface Catalog {
  readonly components: Readonly<Record<string, ComponentFacts>>;
  /** `logging`, `tracing`, `http`, `livedebugging`. */
  readonly configBlocks: Readonly<Record<string, ComponentFacts>>;
}

/**
 * The Alloy v1.18.1 catalog this project ships: imports/alloy/facts.json as it is. The arguments the
 * shared catalog lost (fields named `description` and `file`) are in it: scripts/import-alloy-facts.js
 * adds them back when it writes the file (its CATALOG_LOST, each with the Go struct tag it was read from).
 */
export const CATALOG: Catalog = FACTS as unknown as Catalog;

/**
 * Blocks the runtime handles itself (internal/runtime/source.go): `declare`, `argument`,
 * `export`, `foreach` and the `import.*` blocks. Each takes a label; `logging` and `tracing`
 * are in the facts.
 */
export const IMPORT_BLOCKS: ReadonlySet<string> = new Set(['import.file', 'import.string', 'import.http', 'import.git']);

/**
 * The bodies of `argument`, `export` and `foreach` (internal/nodeconf/{argument,export,foreach}),
 * in the form of the facts. `foreach` is experimental; its `template` holds components.
 */
export const RUNTIME_BLOCKS: Readonly<Record<string, ComponentFacts>> = {
  argument: {
    stability: 'generally-available',
    arguments: { optional: { kind: 'bool', required: false }, default: { kind: 'any', required: false }, comment: { kind: 'string', required: false } },
    blocks: {},
    exports: { value: 'any' },
  },
  export: { stability: 'generally-available', arguments: { value: { kind: 'any', required: true } }, blocks: {}, exports: {} },
  foreach: {
    stability: 'experimental',
    arguments: {
      collection: { kind: 'any', required: true },
      var: { kind: 'string', required: true },
      id: { kind: 'string', required: false },
      hash_string_id: { kind: 'bool', required: false },
      enable_metrics: { kind: 'bool', required: false },
    },
    blocks: {},
    exports: {},
  },
};

/**
 * Services whose block the facts do not describe (internal/service/remotecfg, labelstore): known
 * names, bodies not checked. `http` and `livedebugging` are services too, described in the facts.
 */
export const UNCHECKED_SERVICES: ReadonlySet<string> = new Set(['remotecfg', 'labelstore']);

/** The deprecated top-level functions of the standard library, each with the name that replaces it. */
export const DEPRECATED_STDLIB: ReadonlyMap<string, string> = new Map([
  ['env', 'sys.env'],
  ['nonsensitive', 'convert.nonsensitive'],
  ['concat', 'array.concat'],
  ['json_decode', 'encoding.from_json'],
  ['yaml_decode', 'encoding.from_yaml'],
  ['base64_decode', 'encoding.from_base64'],
  ...['format', 'join', 'replace', 'split', 'to_lower', 'to_upper', 'trim', 'trim_prefix', 'trim_suffix', 'trim_space']
    .map((f): [string, string] => [f, `string.${f}`]),
]);

/**
 * Alloy's standard library (syntax/internal/stdlib at v1.18.1): each top-level name, with its
 * members when it is a namespace object; undefined members: a function or value used as is.
 */
export const STDLIB: ReadonlyMap<string, ReadonlySet<string> | undefined> = new Map<string, ReadonlySet<string> | undefined>([
  ['constants', new Set(['hostname', 'os', 'arch', 'version'])],
  ['coalesce', undefined],
  ['json_path', undefined],
  ['sys', new Set(['env'])],
  ['convert', new Set(['nonsensitive'])],
  ['array', new Set(['concat', 'combine_maps', 'group_by'])],
  ['encoding', new Set(['from_json', 'from_yaml', 'from_base64', 'from_URLbase64', 'to_json', 'to_base64', 'to_URLbase64', 'url_encode', 'url_decode'])],
  ['string', new Set(['format', 'join', 'replace', 'split', 'to_lower', 'to_upper', 'trim', 'trim_prefix', 'trim_suffix', 'trim_space'])],
  ['file', new Set(['path_join'])],
  ...[...DEPRECATED_STDLIB.keys()].map((name): [string, undefined] => [name, undefined]),
]);

/** Standard library functions that are experimental (stdlib.go's ExperimentalIdentifiers). */
export const EXPERIMENTAL_STDLIB: ReadonlySet<string> = new Set(['array.combine_maps', 'array.group_by']);
