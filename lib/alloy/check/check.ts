/**
 * The check of a config.alloy file as written: what Alloy v1.18.1 would refuse when it loads the
 * file, found without running it, each problem at its `line:col`.
 *
 * It reads the syntax tree (lib/alloy/syntax/tree.ts) against the catalog (./catalog.ts) and
 * follows the rules of Alloy's loader (grafana/alloy v1.18.1: internal/runtime/source.go and
 * internal/runtime/internal/controller/loader.go for the blocks of a file and their IDs,
 * component_references.go and internal/util/ast/references.go for how a reference resolves,
 * syntax/vm/struct_decoder.go for the names, required arguments and blocks of a body,
 * syntax/internal/value for which literals convert to which kinds). Graph problems share their
 * wording with AlloyConfig (../rules.ts).
 *
 * What it cannot know statically it leaves alone, so a valid file gets no error: the values of
 * expressions (only literals are checked against kinds), the bodies of components from modules
 * (`import.*`), of `remotecfg` and `labelstore`, and of `import.*` blocks themselves, and whether
 * a block that may appear once appears twice (the catalog does not say which blocks repeat).
 */
import {
  ArrayExpr, BlockStmt, ExprNode, Ident, LiteralExpr, ObjectExpr, Position, SourceFile, Stmt, SyntaxFile, endPos, startPos,
} from '../syntax/tree';
import { decodeLiteral } from '../syntax/parser';
import { DURATION_HINT, cycleProblem, duplicateLabelProblem, findCycle, isDuration, secondConfigBlockProblem } from '../rules';
import { ArgumentKind } from '../schema';
import { Stability, StabilityLevel, leastStable, permits } from '../stability';
import {
  CATALOG, Catalog, ComponentFacts, DEPRECATED_STDLIB, EXPERIMENTAL_STDLIB, IMPORT_BLOCKS, RUNTIME_BLOCKS, STDLIB,
  UNCHECKED_SERVICES,
} from './catalog';
import { closest, didYouMean } from './suggest';

/** What kind of problem a diagnostic reports; stable, for machines. */
export type CheckCode =
  | 'syntax'
  | 'unknown-component'
  | 'unknown-block'
  | 'unknown-argument'
  | 'missing-argument'
  | 'missing-block'
  | 'duplicate-argument'
  | 'type-mismatch'
  | 'duplicate-label'
  | 'missing-label'
  | 'unexpected-label'
  | 'misplaced-block'
  | 'unknown-reference'
  | 'unknown-export'
  | 'cycle'
  | 'stability'
  | 'deprecated'
  | 'literal-secret';

/** One problem of a file. */
export interface CheckDiagnostic {
  /** An error stops Alloy from loading the file; a warning does not. */
  readonly severity: 'error' | 'warning';
  readonly code: CheckCode;
  readonly position: Position;
  readonly endPosition?: Position;
  /** What is wrong, the value received, and how to fix it. */
  readonly message: string;
}

export interface CheckOptions {
  /**
   * The `--stability.level` Alloy runs with: anything less stable is an error.
   *
   * @default - none: the level the file needs is reported, never an error
   */
  readonly stabilityLevel?: StabilityLevel;
  /** @default - the Alloy v1.18.1 catalog of imports/alloy/facts.json */
  readonly catalog?: Catalog;
}

export interface CheckResult {
  /** Every problem, in the order of the file. */
  readonly diagnostics: readonly CheckDiagnostic[];
  /** The `--stability.level` the file needs: the least stable of its components, blocks and functions. */
  readonly stabilityLevel: StabilityLevel;
  /** The community components it uses (Alloy then needs `--feature.community-components.enabled=true`), sorted. */
  readonly communityComponents: readonly string[];
}

/** A block of a module that others can reference: its ID and what it exports. */
interface GraphNode {
  /** Alloy's node ID: `prometheus.scrape.pods`, `logging`, `argument.x`, `import.file.mod`. */
  readonly id: string;
  readonly block: BlockStmt;
  /** The export names; undefined when they cannot be known (a component from a module). */
  readonly exports?: ReadonlySet<string>;
  /** `component`s take part in cycles and name what they are in messages. */
  readonly what: string;
}

/** The custom components visible in a module: `declare` labels and `import.*` namespaces, with the parent's. */
interface Registry {
  readonly parent?: Registry;
  readonly declares: Map<string, BlockStmt>;
  readonly imports: Set<string>;
}

type ModuleKind = 'root' | 'declare' | 'template';

/** A foreach template, checked after its module, with the name of its variable. */
interface Template {
  readonly template: BlockStmt;
  readonly variable?: string;
}

const MAX_LISTED = 12;

/** What a capsule argument takes, with an example, for its type-mismatch message. */
const EXPORT_EXAMPLES: Readonly<Record<'relabel_rules' | 'auth_handler' | 'storage_handler' | 'handler', string>> = {
  relabel_rules: 'such as prometheus.relabel.default.rules',
  auth_handler: 'such as otelcol.auth.basic.default.handler',
  storage_handler: 'such as otelcol.storage.file.default.handler',
  handler: 'a .handler export, such as otelcol.auth.basic.default.handler or otelcol.storage.file.default.handler',
};

/** Checks a parsed file against Alloy v1.18.1. Never throws. */
export function checkFile(file: SyntaxFile, options: CheckOptions = {}): CheckResult {
  return new Checker(file.source, options).run(file.body);
}

class Checker {
  private readonly diagnostics: CheckDiagnostic[] = [];
  private readonly catalog: Catalog;
  /** What the file uses, each with where, for the stability level. */
  private readonly uses: Array<{ name: string; stability: Stability; pos: number; end: number }> = [];

  public constructor(private readonly source: SourceFile, private readonly options: CheckOptions) {
    this.catalog = options.catalog ?? CATALOG;
  }

  public run(body: readonly Stmt[]): CheckResult {
    this.checkModule(body, 'root', { declares: new Map(), imports: new Set() }, new Map(), new Set());
    const level = leastStable(this.uses.map((u) => u.stability));
    const allowed = this.options.stabilityLevel;
    if (allowed !== undefined) {
      for (const u of this.uses) {
        if (u.stability !== 'community' && !permits(allowed, u.stability)) {
          this.error('stability', u.pos, u.end,
            `${u.name} is at stability level ${u.stability}, below --stability.level=${allowed}; ` +
            `run Alloy with --stability.level=${u.stability} (or lower the level it needs: the file needs ${level}), or use something else`);
        }
      }
    }
    const community = [...new Set(this.uses.filter((u) => u.stability === 'community').map((u) => u.name))].sort();
    const diagnostics = [...this.diagnostics].sort((a, b) => a.position.line - b.position.line || a.position.column - b.position.column);
    return { diagnostics, stabilityLevel: level, communityComponents: community };
  }

  // ---- modules: the blocks of a file, of a declare, of a foreach template

  /**
   * Checks the blocks of one module and the references between them. `outer` holds the nodes a
   * foreach template also sees, `vars` the names its `var` puts in scope.
   */
  private checkModule(body: readonly Stmt[], kind: ModuleKind, registry: Registry, outer: ReadonlyMap<string, GraphNode>, vars: ReadonlySet<string>): void {
    // declare and import.* labels name custom components anywhere in the module
    for (const s of body) {
      if (s.type !== 'block' || s.label === undefined) continue;
      const name = s.name.join('.');
      if (name === 'declare') registry.declares.set(s.label, s);
      if (IMPORT_BLOCKS.has(name)) registry.imports.add(s.label);
    }
    const nodes = new Map<string, GraphNode>();
    const add = (node: GraphNode): void => {
      const first = nodes.get(node.id);
      if (first === undefined) {
        nodes.set(node.id, node);
        return;
      }
      const b = node.block;
      const at = this.at(first.block.namePos);
      const message = b.label === undefined
        ? secondConfigBlockProblem(node.id, at)
        : duplicateLabelProblem(b.name.join('.'), b.label, at, `rename one, such as "${b.label}_2"`);
      this.error('duplicate-label', b.namePos, b.namePos + b.name.join('.').length, message);
    };
    const templates: Template[] = [];
    for (const s of body) {
      if (s.type === 'attribute') {
        this.error('unknown-argument', s.name.pos, endPos(s),
          `an argument cannot stand at the top level of ${kind === 'root' ? 'a file' : kind === 'declare' ? 'a declare block' : 'a foreach template'} (got ${s.name.name} = ...); ` +
          'put it inside the block it belongs to');
        continue;
      }
      const node = this.checkTopBlock(s, kind, registry, templates);
      if (node !== undefined) add(node);
    }
    // references resolve among the nodes of this module (a template also sees its parent's)
    const visible = new Map([...outer, ...nodes]);
    const edges = new Map<GraphNode, GraphNode[]>();
    for (const node of nodes.values()) {
      const targets: GraphNode[] = [];
      const name = node.block.name.join('.');
      if (name === 'declare') continue; // its body is a module of its own
      const stmts = name === 'foreach' ? node.block.body.filter((s) => s.type === 'attribute') : node.block.body;
      for (const expr of expressionsOf(stmts)) {
        for (const t of traversals(expr)) {
          const target = this.resolve(t, visible, vars);
          if (target !== undefined && nodes.has(target.id)) targets.push(target);
        }
      }
      edges.set(node, targets);
    }
    const cycle = findCycle([...nodes.values()], edges);
    if (cycle !== undefined) {
      const first = cycle[0].block;
      this.error('cycle', first.namePos, first.namePos + first.name.join('.').length, cycleProblem(cycle.map((n) => n.id)));
    }
    for (const { template, variable } of templates) {
      this.checkModule(template.body, 'template', { parent: registry, declares: new Map(), imports: new Set() }, visible,
        new Set([...vars, ...(variable === undefined ? [] : [variable])]));
    }
  }

  /** Checks one block at the top of a module; returns the node it adds to the graph. */
  private checkTopBlock(b: BlockStmt, kind: ModuleKind, registry: Registry, templates: Template[]): GraphNode | undefined {
    const name = b.name.join('.');
    const nameEnd = b.namePos + name.length;
    const id = b.label === undefined ? name : `${name}.${b.label}`;
    const needsLabel = (what: string): boolean => {
      if (b.label !== undefined) return true;
      this.error('missing-label', b.namePos, nameEnd,
        `${what} ${name} has no label; write ${name} "<label>" { ... } with a label that is an identifier, such as "default"`);
      return false;
    };
    const noLabel = (): void => {
      if (b.label !== undefined) {
        this.error('unexpected-label', labelStart(b), labelEnd(b),
          `the ${name} block takes no label (got "${b.label}"); write ${name} { ... }`);
      }
    };
    if (name === 'declare') {
      if (!needsLabel('the block')) return undefined;
      if (b.label === 'declare') {
        this.error('missing-label', labelStart(b), labelEnd(b),
          'the label "declare" is not valid for a declare block (Alloy reserves it); choose another, such as "my_component"');
      }
      const exports = new Set(b.body.flatMap((s) => (s.type === 'block' && s.name.join('.') === 'export' && s.label !== undefined ? [s.label] : [])));
      this.checkModule(b.body, 'declare', { parent: registry, declares: new Map(), imports: new Set() }, new Map(), new Set());
      return { id, block: b, exports, what: `declare "${b.label}"` };
    }
    if (IMPORT_BLOCKS.has(name)) {
      if (!needsLabel('the block')) return undefined;
      return { id, block: b, exports: new Set(), what: `${name} "${b.label}"` };
    }
    if (name === 'argument' || name === 'export') {
      if (kind !== 'declare') {
        this.error('misplaced-block', b.namePos, nameEnd,
          `${name} blocks only stand inside a module (a declare block or a file imported with import.*), not at the top of ${kind === 'root' ? 'the file' : 'a foreach template'}; ` +
          `move it into a declare block, or remove it`);
      }
      if (!needsLabel('the block')) return undefined;
      this.checkBody(b.body, RUNTIME_BLOCKS[name], '', `${name} "${b.label}"`, b);
      return { id, block: b, exports: new Set(Object.keys(RUNTIME_BLOCKS[name].exports)), what: `${name} "${b.label}"` };
    }
    if (name === 'foreach') {
      this.use(name, 'experimental', b);
      if (!needsLabel('the block')) return undefined;
      const facts = RUNTIME_BLOCKS.foreach;
      const template = b.body.filter((s): s is BlockStmt => s.type === 'block' && s.name.join('.') === 'template');
      this.checkBody(b.body.filter((s) => !(s.type === 'block' && s.name.join('.') === 'template')), facts, '', `foreach "${b.label}"`, b);
      if (template.length === 0) {
        this.error('missing-block', b.namePos, nameEnd, `foreach "${b.label}" is missing its required block "template"; add template { ... } with the components to repeat`);
      }
      // the name `var` gives each item, in scope inside the template
      const v = b.body.find((s) => s.type === 'attribute' && s.name.name === 'var');
      const variable = v?.type === 'attribute' && v.value.type === 'literal' && v.value.kind === 'STRING' ? literalString(v.value) : undefined;
      templates.push(...template.map((t) => ({ template: t, variable })));
      return { id, block: b, exports: new Set(), what: `foreach "${b.label}"` };
    }
    const configFacts = this.catalog.configBlocks[name];
    if (configFacts !== undefined || UNCHECKED_SERVICES.has(name)) {
      noLabel();
      if (kind !== 'root') {
        this.error('misplaced-block', b.namePos, nameEnd,
          `the ${name} block only stands at the top of the main file, not inside ${kind === 'declare' ? 'a declare block' : 'a foreach template'}; move it there`);
      }
      if (configFacts !== undefined) {
        this.use(name, configFacts.stability, b);
        this.checkBody(b.body, configFacts, '', `the ${name} block`, b);
      }
      return { id: name, block: b, exports: new Set(), what: `the ${name} block` };
    }
    // a component: built in, or custom from a declare or an import.* namespace
    if (isCustom(registry, b.name[0])) {
      if (!needsLabel('the component')) return undefined;
      // as Alloy splits the name (internal/runtime/internal/controller/node_custom_component.go):
      // `name` is a local declare, `namespace.name` a declare of the module imported as `namespace`
      const namespace = b.name[0];
      if (b.name.length > 1) {
        if (importsNamespace(registry, namespace)) {
          return { id, block: b, what: `${name} "${b.label}"` }; // from a module: its arguments and exports are not known here
        }
        this.error('unknown-component', b.namePos, nameEnd,
          `unknown component ${name}: ${namespace} is declare "${namespace}", not the namespace of an import.* block, so ${name} names nothing; ` +
          `write ${namespace} "${b.label}" { ... } for an instance of declare "${namespace}"`);
        return undefined;
      }
      const declare = findDeclare(registry, name);
      if (declare === undefined) {
        this.error('unknown-component', b.namePos, nameEnd,
          `${name} is the namespace of an import.* block, not a component; write ${name}.<component> "${b.label}" { ... } with a component the module declares`);
        return undefined;
      }
      this.checkCustomArguments(b, declare);
      const exports = new Set(declare.body.flatMap((s) => (s.type === 'block' && s.name.join('.') === 'export' && s.label !== undefined ? [s.label] : [])));
      return { id, block: b, exports, what: `${name} "${b.label}"` };
    }
    const facts = this.catalog.components[name];
    if (facts === undefined || facts.removed) {
      const known = [...Object.keys(this.catalog.components), ...Object.keys(this.catalog.configBlocks), ...UNCHECKED_SERVICES,
        ...Object.keys(RUNTIME_BLOCKS), ...IMPORT_BLOCKS, 'declare'];
      const what = facts?.removed
        ? `component ${name} is no longer part of Alloy v1.18.1 (it was removed)`
        : `unknown component ${name} (Alloy v1.18.1 has no component or block of that name)`;
      this.error('unknown-component', b.namePos, nameEnd,
        `${what}${didYouMean(name, known)}${facts?.removed || closest(name, known) !== undefined ? '' : '; check the name against the Alloy reference, or declare it with a declare block'}`);
      return undefined;
    }
    this.use(name, facts.stability, b);
    if (!needsLabel('the component')) return undefined;
    this.checkBody(b.body, facts, '', `${name} "${b.label}"`, b);
    return { id, block: b, exports: new Set(Object.keys(facts.exports)), what: `${name} "${b.label}"` };
  }

  /** A declared component's attributes against the declare's `argument` blocks. */
  private checkCustomArguments(b: BlockStmt, declare: BlockStmt): void {
    const args = new Map<string, boolean>();
    for (const s of declare.body) {
      if (s.type === 'block' && s.name.join('.') === 'argument' && s.label !== undefined) {
        const optional = s.body.find((o) => o.type === 'attribute' && o.name.name === 'optional');
        args.set(s.label, optional?.type === 'attribute' && optional.value.type === 'literal' && optional.value.text === 'true');
      }
    }
    const subject = `${b.name.join('.')} "${b.label}"`;
    const seen = new Set<string>();
    for (const s of b.body) {
      if (s.type === 'block') {
        this.error('unknown-block', s.namePos, endPos(s),
          `${subject} is declared with declare "${declare.label}", which takes arguments only, not blocks (got ${s.name.join('.')} { ... }); ` +
          'pass the value as an argument');
        continue;
      }
      seen.add(s.name.name);
      if (!args.has(s.name.name)) {
        this.error('unknown-argument', s.name.pos, s.name.pos + s.name.name.length,
          `unknown argument ${s.name.name} of ${subject}: declare "${declare.label}" has no argument block of that name` +
          `${didYouMean(s.name.name, args.keys()) || `; ${takes('arguments', [...args.keys()])}`}`);
      }
    }
    for (const [arg, optional] of args) {
      if (!optional && !seen.has(arg)) {
        this.error('missing-argument', b.namePos, b.namePos + b.name.join('.').length,
          `${subject} is missing the required argument ${arg} (declare "${declare.label}" has argument "${arg}" without optional = true); add ${arg} = ...`);
      }
    }
  }

  // ---- bodies against the catalog

  /** Checks a body at `path` of `facts` (`''` for the block's own body), then what it lacks. */
  private checkBody(stmts: readonly Stmt[], facts: ComponentFacts, path: string, subject: string, owner: BlockStmt): void {
    const args = path === '' ? facts.arguments : facts.blocks[path].arguments;
    const children = childBlocks(facts, path);
    const where = path === '' ? subject : `${subject} > ${path.split(' > ').map(lastOf).join(' > ')}`;
    const seenArgs = new Map<string, Ident>();
    const seenBlocks = new Set<string>();
    for (const s of stmts) {
      if (s.type === 'attribute') {
        const name = s.name.name;
        const nameEnd = s.name.pos + name.length;
        const first = seenArgs.get(name);
        if (first !== undefined) {
          this.error('duplicate-argument', s.name.pos, nameEnd,
            `argument ${name} of ${where} is set twice (first at ${this.at(first.pos)}); keep one`);
          continue;
        }
        seenArgs.set(name, s.name);
        const arg = args[name];
        if (arg === undefined) {
          if (children.has(name)) {
            this.error('unknown-argument', s.name.pos, nameEnd, `${name} is a block of ${where}, not an argument (got ${name} = ...); write ${name} { ... }`);
          } else {
            this.error('unknown-argument', s.name.pos, nameEnd,
              `unknown argument ${name} of ${where} (Alloy v1.18.1)${didYouMean(name, Object.keys(args)) || `; ${takes('arguments', Object.keys(args))}`}`);
          }
          continue;
        }
        // the facts class every `storage` argument as a handler, as the generated classes read them (scripts/generate-alloy.ts)
        this.checkValue(s.value, arg.kind === 'handler' && name === 'storage' ? 'storage_handler' : arg.kind, `${name} of ${where}`);
        continue;
      }
      const name = s.name.join('.');
      const nameEnd = s.namePos + name.length;
      const childPath = children.get(name);
      if (childPath === undefined) {
        if (args[name] !== undefined) {
          this.error('unknown-block', s.namePos, nameEnd, `${name} is an argument of ${where}, not a block (got ${name} { ... }); write ${name} = ...`);
        } else {
          this.error('unknown-block', s.namePos, nameEnd,
            `unknown block ${name} in ${where} (Alloy v1.18.1)${didYouMean(name, children.keys()) || `; ${takes('blocks', [...children.keys()])}`}`);
        }
        continue;
      }
      seenBlocks.add(name);
      const block = facts.blocks[childPath];
      if (block.labelled && s.label === undefined) {
        this.error('missing-label', s.namePos, nameEnd, `block ${name} of ${where} needs a label; write ${name} "<label>" { ... }`);
      } else if (!block.labelled && s.label !== undefined) {
        this.error('unexpected-label', labelStart(s), labelEnd(s), `block ${name} of ${where} takes no label (got "${s.label}"); write ${name} { ... }`);
      }
      this.checkBody(s.body, facts, childPath, subject, s);
    }
    const ownerEnd = owner.namePos + owner.name.join('.').length;
    for (const [name, arg] of Object.entries(args)) {
      if (arg.required && !seenArgs.has(name)) {
        this.error('missing-argument', owner.namePos, ownerEnd, `${where} is missing the required argument ${name} (${describeKind(arg.kind)}); add ${name} = ...`);
      }
    }
    for (const [name, childPath] of children) {
      if (facts.blocks[childPath].required && !seenBlocks.has(name)) {
        this.error('missing-block', owner.namePos, ownerEnd, `${where} is missing the required block ${name}; add ${name} { ... }`);
      }
    }
  }

  /** Checks a value against the kind of its argument, when it is a literal (expressions are not known statically). */
  private checkValue(expr: ExprNode, kind: ArgumentKind, where: string): void {
    const e = unwrap(expr);
    const got = staticKind(e);
    if (got === undefined || got === 'null') return;
    const mismatch = (expected: string, hint: string): void => {
      this.error('type-mismatch', startPos(expr), endPos(expr), `${where} must be ${expected} (got ${this.describeValue(e)}); ${hint}`);
    };
    const elements = (elementKind: ArgumentKind, expected: string, hint: string): void => {
      if (got !== 'array') return mismatch(expected, hint);
      (e as ArrayExpr).elements.forEach((el, i) => this.checkValue(el, elementKind, `${where}[${i}]`));
    };
    const fields = (valueKind: ArgumentKind | undefined, expected: string): void => {
      if (got !== 'object') return mismatch(expected, 'write an object such as { key = "value" }');
      if (valueKind !== undefined) {
        for (const f of (e as ObjectExpr).fields) this.checkValue(f.value, valueKind, `${where}["${f.name.name}"]`);
      }
    };
    const literal = e.type === 'literal' ? e : undefined;
    switch (kind) {
      case 'string':
        if (got === 'bool' || got === 'array' || got === 'object') mismatch('a string', 'write it in double quotes');
        return;
      case 'number':
        if (got === 'string' && literal !== undefined && convertsToNumber(literalString(literal))) return;
        if (got !== 'number') mismatch('a number', 'write a number without quotes, such as 10');
        return;
      case 'bool':
        if (got !== 'bool') mismatch('a bool', 'write true or false, without quotes');
        return;
      case 'duration':
        if (got === 'string' && literal !== undefined && isDuration(literalString(literal))) return;
        if (got === 'number' && numberValue(e) === 0) return; // Alloy reads 0 (and -0) as "0"
        mismatch('a duration', DURATION_HINT);
        return;
      case 'secret':
        // a secret converts from a string only (syntax/alloytypes/secret.go), not from a number as a string does
        if (got !== 'string') {
          mismatch('a secret (a string)', 'read it with sys.env("NAME") or from a remote.kubernetes.secret export');
        } else if (literalString(e as LiteralExpr) !== '') { // a static string is a literal
          this.warning('literal-secret', startPos(expr), endPos(expr),
            `${where} is a secret written in the file as a literal string; ` +
            'read it with sys.env("NAME") or from a remote.kubernetes.secret export, so it stays out of the config');
        }
        return;
      case 'list(string)':
        return elements('string', 'a list of strings', 'write a list such as ["a", "b"]');
      case 'list(number)':
        return elements('number', 'a list of numbers', 'write a list such as [1, 2]');
      case 'list(duration)':
        return elements('duration', 'a list of durations', 'write a list such as ["30s", "1m"]');
      case 'list(secret)':
        return elements('secret', 'a list of secrets', 'write a list such as [sys.env("TOKEN")]');
      case 'map(string)':
        return fields('string', 'an object of strings');
      case 'map(secret)':
        return fields('secret', 'an object of secrets');
      case 'map(list(secret))':
        return fields('list(secret)', 'an object of lists of secrets');
      case 'map(list(string))':
        return fields('list(string)', 'an object of lists of strings');
      case 'map(any)':
        return fields(undefined, 'an object');
      case 'targets':
        if (got !== 'array') return mismatch('a list of targets', 'write a list of objects, or reference an export such as discovery.kubernetes.pods.targets');
        (e as ArrayExpr).elements.forEach((el, i) => {
          const k = staticKind(unwrap(el));
          if (k !== undefined && k !== 'object' && k !== 'null') {
            this.error('type-mismatch', startPos(el), endPos(el), `${where}[${i}] must be a target, an object of labels (got ${this.describeValue(unwrap(el))}); write it as { "__address__" = "host:port" }`);
          }
        });
        return;
      case 'consumers':
      case 'logs_receivers':
      case 'metrics_receivers':
      case 'profiles_receivers': {
        const exportName = kind === 'consumers' ? 'input' : 'receiver';
        const example = kind === 'consumers' ? 'otelcol.exporter.otlp.default.input' : kind === 'logs_receivers' ? 'loki.write.default.receiver'
          : kind === 'metrics_receivers' ? 'prometheus.remote_write.default.receiver' : 'pyroscope.write.default.receiver';
        if (got !== 'array') return mismatch(`a list of component exports (.${exportName})`, `write a list such as [${example}]`);
        (e as ArrayExpr).elements.forEach((el, i) => {
          const k = staticKind(unwrap(el));
          if (k !== undefined && k !== 'null') {
            this.error('type-mismatch', startPos(el), endPos(el),
              `${where}[${i}] must be the .${exportName} export of a component (got ${this.describeValue(unwrap(el))}); reference one, such as ${example}`);
          }
        });
        return;
      }
      case 'relabel_rules':
      case 'auth_handler':
      case 'storage_handler':
      case 'handler':
        mismatch(`the export of a component (${EXPORT_EXAMPLES[kind]})`, 'reference the component\'s export instead of writing a value');
        return;
      case 'any':
        return;
    }
  }

  // ---- references

  /** Resolves a reference as Alloy does: the shortest prefix that names a node, else a name in scope. */
  private resolve(t: readonly Ident[], nodes: ReadonlyMap<string, GraphNode>, vars: ReadonlySet<string>): GraphNode | undefined {
    const names = t.map((i) => i.name);
    const start = t[0].pos;
    const end = t[t.length - 1].pos + t[t.length - 1].name.length;
    for (let i = 1; i <= names.length; i++) {
      const node = nodes.get(names.slice(0, i).join('.'));
      if (node === undefined) continue;
      const field = t[i];
      if (field !== undefined && node.exports !== undefined && !node.exports.has(field.name)) {
        const exports = [...node.exports].sort();
        this.error('unknown-export', field.pos, end,
          `${node.id} has no export ${field.name} (${node.what} exports ${exports.length === 0 ? 'nothing' : exports.join(', ')})` +
          `${didYouMean(field.name, exports) || (exports.length === 0 ? '; reference another component' : '')}`);
      }
      return node;
    }
    const head = names[0];
    if (vars.has(head) || head === 'module_path') return undefined; // module_path: set by Alloy for every file (internal/validator/validate.go)
    if (STDLIB.has(head)) {
      const members = STDLIB.get(head);
      const replacement = DEPRECATED_STDLIB.get(head);
      if (replacement !== undefined) {
        this.warning('deprecated', start, t[0].pos + head.length, `the standard library function ${head} is deprecated; use ${replacement}`);
      }
      if (members !== undefined && names.length > 1) {
        if (!members.has(names[1])) {
          this.error('unknown-reference', t[1].pos, t[1].pos + names[1].length,
            `${head}.${names[1]} is not part of Alloy's standard library${didYouMean(`${head}.${names[1]}`, [...members].map((m) => `${head}.${m}`), false) || `; ${head} has ${listNames([...members].map((m) => `${head}.${m}`))}`}`);
        } else if (EXPERIMENTAL_STDLIB.has(`${head}.${names[1]}`)) {
          this.uses.push({ name: `${head}.${names[1]}`, stability: 'experimental', pos: start, end: t[1].pos + names[1].length });
        }
      }
      return undefined;
    }
    this.error('unknown-reference', start, end, this.unknownReference(names, nodes));
    return undefined;
  }

  private unknownReference(names: readonly string[], nodes: ReadonlyMap<string, GraphNode>): string {
    const text = names.join('.');
    // the longest prefix that names a component of the catalog: the next name is its label
    for (let i = names.length - 1; i >= 1; i--) {
      const name = names.slice(0, i).join('.');
      if (this.catalog.components[name] === undefined) continue;
      const label = names[i];
      const labels = [...nodes.keys()].filter((id) => id.startsWith(`${name}.`)).map((id) => id.slice(name.length + 1));
      const suggestion = closest(label, labels);
      return `${text} references ${name} "${label}", which this file does not define` +
        (suggestion !== undefined ? `; did you mean ${name}.${suggestion}?` : labels.length > 0
          ? `; its ${name} components are labelled ${labels.map((l) => `"${l}"`).join(', ')}` : `; add the component ${name} "${label}", or fix the reference`);
    }
    // the longest prefix close to a node ID or a name of the standard library of as many parts:
    // local.fil.config.content is local.file.config.content misspelt
    const candidates = [...nodes.keys(), ...STDLIB.keys()];
    for (let i = names.length; i >= 1; i--) {
      const suggestion = closest(names.slice(0, i).join('.'), candidates.filter((c) => c.split('.').length === i));
      if (suggestion !== undefined) {
        return `${text} names no component of this file and nothing in Alloy's standard library; did you mean ${[suggestion, ...names.slice(i)].join('.')}?`;
      }
    }
    return `${text} names no component of this file and nothing in Alloy's standard library; define the component it refers to, or fix the reference`;
  }

  // ---- helpers

  /**
   * The value a type-mismatch got, as written: a literal or a negation, whose kind is known
   * (never null), or a list or an object. Long text is shortened.
   */
  private describeValue(e: ExprNode): string {
    if (e.type === 'array') return 'a list';
    if (e.type === 'object') return 'an object';
    const written = this.source.text.slice(startPos(e), endPos(e));
    const text = written.length > 40 ? `${written.slice(0, 37)}...` : written;
    return staticKind(e) === 'bool' ? text : `the ${staticKind(e)} ${text}`;
  }

  private use(name: string, stability: Stability, b: BlockStmt): void {
    this.uses.push({ name, stability, pos: b.namePos, end: b.namePos + b.name.join('.').length });
  }

  private at(offset: number): string {
    const p = this.source.position(offset);
    return `${p.line}:${p.column}`;
  }

  private error(code: CheckCode, pos: number, end: number, message: string): void {
    this.add('error', code, pos, end, message);
  }

  private warning(code: CheckCode, pos: number, end: number, message: string): void {
    this.add('warning', code, pos, end, message);
  }

  private add(severity: 'error' | 'warning', code: CheckCode, pos: number, end: number, message: string): void {
    this.diagnostics.push({ severity, code, position: this.source.position(pos), endPosition: this.source.position(end), message });
  }
}

// ---- the custom component registry

function isCustom(registry: Registry | undefined, first: string): boolean {
  for (let r = registry; r !== undefined; r = r.parent) {
    if (r.declares.has(first) || r.imports.has(first)) return true;
  }
  return false;
}

/** The declare block a one-part name instantiates, in this module or an enclosing one (Alloy's findLocalDeclare). */
function findDeclare(registry: Registry | undefined, name: string): BlockStmt | undefined {
  for (let r = registry; r !== undefined; r = r.parent) {
    const d = r.declares.get(name);
    if (d !== undefined) return d;
  }
  return undefined;
}

/** Whether `namespace` is the label of an import.* block, in this module or an enclosing one (Alloy's findImportedDeclare). */
function importsNamespace(registry: Registry | undefined, namespace: string): boolean {
  for (let r = registry; r !== undefined; r = r.parent) {
    if (r.imports.has(namespace)) return true;
  }
  return false;
}

/** Where a block's label starts, and ends past its closing quote (the parser sets labelPos with every label). */
function labelStart(b: BlockStmt): number {
  return b.labelPos!;
}

function labelEnd(b: BlockStmt): number {
  return b.labelPos! + b.label!.length + 2;
}

// ---- the blocks of a body

/**
 * The blocks a body at `path` takes: name -> path in the facts. Inside loki.process's
 * `stage.match`, the nested `stage.*` blocks are the component's own.
 */
function childBlocks(facts: ComponentFacts, path: string): Map<string, string> {
  const prefix = path === '' ? '' : `${path} > `;
  const result = new Map<string, string>();
  for (const p of Object.keys(facts.blocks)) {
    if (p.startsWith(prefix) && !p.slice(prefix.length).includes(' > ')) {
      result.set(p.slice(prefix.length), p);
    }
  }
  if (lastOf(path) === 'stage.match') {
    for (const p of Object.keys(facts.blocks)) {
      if (p.startsWith('stage.') && !p.includes(' > ')) result.set(p, p);
    }
  }
  return result;
}

function lastOf(path: string): string {
  const parts = path.split(' > ');
  return parts[parts.length - 1];
}

function takes(what: string, names: readonly string[]): string {
  return names.length === 0 ? `it takes no ${what}` : `its ${what}: ${listNames(names)}`;
}

function listNames(names: readonly string[]): string {
  const sorted = [...names].sort();
  return sorted.length <= MAX_LISTED ? sorted.join(', ') : `${sorted.slice(0, MAX_LISTED).join(', ')} and ${sorted.length - MAX_LISTED} more`;
}

// ---- expressions

/** Every expression in a body, blocks included. */
function expressionsOf(stmts: readonly Stmt[]): ExprNode[] {
  return stmts.flatMap((s) => (s.type === 'attribute' ? [s.value] : expressionsOf(s.body)));
}

/**
 * The references in an expression, as Alloy collects them (internal/util/ast/references.go): an
 * identifier and the field accesses that follow it; an index or a call ends one.
 */
export function traversals(expr: ExprNode): Ident[][] {
  const found: Ident[][] = [];
  let current: Ident[] = [];
  let building = false;
  const flush = (): void => {
    if (building && current.length > 0) found.push(current);
    building = false;
    current = [];
  };
  const walk = (e: ExprNode): void => {
    switch (e.type) {
      case 'identifier':
        flush();
        building = true;
        current = [e.ident];
        return;
      case 'access':
        walk(e.value);
        if (building) current.push(e.name);
        return;
      case 'index':
        walk(e.value);
        flush();
        walk(e.index);
        return;
      case 'call':
        walk(e.value);
        flush();
        e.args.forEach(walk);
        return;
      case 'array':
        e.elements.forEach(walk);
        return;
      case 'object':
        e.fields.forEach((f) => walk(f.value));
        return;
      case 'unary':
        walk(e.value);
        return;
      case 'binary':
        walk(e.left);
        walk(e.right);
        return;
      case 'paren':
        walk(e.inner);
        return;
      case 'literal':
        return;
    }
  };
  walk(expr);
  flush();
  return found;
}

type StaticKind = 'string' | 'number' | 'bool' | 'null' | 'array' | 'object';

function unwrap(e: ExprNode): ExprNode {
  return e.type === 'paren' ? unwrap(e.inner) : e;
}

/** The kind of a value known without evaluating it: literals, negated numbers, lists and objects. */
function staticKind(e: ExprNode): StaticKind | undefined {
  switch (e.type) {
    case 'literal':
      return ({ STRING: 'string', NUMBER: 'number', FLOAT: 'number', BOOL: 'bool', NULL: 'null' } as const)[e.kind];
    case 'unary': {
      const inner = staticKind(unwrap(e.value));
      return (e.op === '-' && inner === 'number') || (e.op === '!' && inner === 'bool') ? inner : undefined;
    }
    case 'array':
      return 'array';
    case 'object':
      return 'object';
    default:
      return undefined;
  }
}

/** The value of a number known statically: a number literal, negated any number of times. */
function numberValue(e: ExprNode): number {
  return e.type === 'unary' ? -numberValue(unwrap(e.value)) : Number((e as LiteralExpr).text);
}

/** The text of a string literal: raw strings as written, others unescaped. */
function literalString(l: LiteralExpr): string {
  return decodeLiteral(l) as string;
}

/** Whether Alloy converts a string to a number (syntax/internal/value/value.go, convertValue). */
function convertsToNumber(s: string): boolean {
  if (s.startsWith('-')) return /^-[0-9]+$/.test(s);
  if (/[.eE]/.test(s)) return /^[+-]?(([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?|inf|infinity|nan)$/i.test(s);
  return /^[0-9]+$/.test(s);
}

/** How the kind of a missing argument reads: lists of exports and capsules by the export they take, others as the facts write them. */
const KIND_DESCRIPTIONS: Readonly<Partial<Record<ArgumentKind, string>>> = {
  consumers: 'a list of .input exports',
  logs_receivers: 'a list of .receiver exports',
  metrics_receivers: 'a list of .receiver exports',
  profiles_receivers: 'a list of .receiver exports',
  relabel_rules: 'a .rules export',
  auth_handler: 'a .handler export',
  storage_handler: 'a .handler export',
  handler: 'a .handler export',
};

function describeKind(kind: ArgumentKind): string {
  return KIND_DESCRIPTIONS[kind] ?? kind;
}
