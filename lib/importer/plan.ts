/**
 * The import plan: what a parsed config.alloy becomes in the typed API, before it is written
 * as TypeScript (emit.ts) or built in-process to check the round trip (build.ts).
 *
 * Each component becomes its generated class with typed props where the typed API prints the
 * input as written, and the escape hatches (addAttribute, addBlock) where it does not: the
 * typed props print attributes and blocks in schema order, so what comes later in the input
 * than the schema allows goes through an escape hatch, which prints after them.
 */
import { CONFIG_HEADER } from '../alloy';
import type { AttributeSchema, BlockSchema, BodySchema } from '../alloy/internal';
import { decodeLiteral, unquote } from '../alloy/syntax/parser';
import { dottedPath } from '../alloy/syntax/to-statements';
import {
  BlockStmt, CommentNode, ExprNode, Position, SourceFile, Stmt, SyntaxFile, endPos, formatPosition, startPos,
} from '../alloy/syntax/tree';
import { CatalogEntry, catalogEntry, catalogNames, exportsOf } from './catalog';

/** A value as the importer carries it: the value model's kinds, with exports of components as objects. */
export type PValue =
  | { readonly kind: 'literal'; readonly value: string | number | boolean | null }
  | { readonly kind: 'list'; readonly items: readonly PValue[] }
  | { readonly kind: 'object'; readonly fields: ReadonlyArray<readonly [string, PValue]> }
  /** `target`'s export `name` (instance property `prop`), then `rest`: fields of it. */
  | { readonly kind: 'export'; readonly target: PComponent; readonly name: string; readonly prop: string; readonly rest: readonly string[] }
  | { readonly kind: 'ref'; readonly path: string }
  | { readonly kind: 'env'; readonly name: string }
  | { readonly kind: 'call'; readonly fn: string; readonly args: readonly PValue[] }
  | { readonly kind: 'binary'; readonly op: string; readonly left: PValue; readonly right: PValue }
  | { readonly kind: 'unary'; readonly op: '!' | '-'; readonly operand: PValue }
  | { readonly kind: 'index'; readonly value: PValue; readonly index: PValue };

/** A typed prop: a value, one or more blocks, or the ordered `stage.*` blocks. */
export type PProp =
  | { readonly kind: 'value'; readonly value: PValue }
  | { readonly kind: 'blocks'; readonly items: readonly PBlockProps[] }
  | { readonly kind: 'stages'; readonly items: ReadonlyArray<readonly [string, PBlockProps]> };

/** The props of one block: its label (labelled blocks) and its props in schema order. */
export interface PBlockProps {
  readonly label?: string;
  readonly props: ReadonlyArray<readonly [string, PProp]>;
}

/** A statement of an escape-hatch block body. */
export type PStmt =
  | { readonly kind: 'attribute'; readonly name: string; readonly value: PValue }
  | { readonly kind: 'block'; readonly name: string; readonly body: readonly PStmt[] }
  | { readonly kind: 'comment'; readonly text: string };

/** A call of an escape hatch, and why the typed props could not say it. */
export type PHatch =
  | { readonly kind: 'attribute'; readonly name: string; readonly value: PValue; readonly why: string; readonly pos: number }
  | { readonly kind: 'block'; readonly name: string; readonly body: readonly PStmt[]; readonly why: string; readonly pos: number };

/** One component or configuration block of the file. */
export interface PComponent {
  readonly entry: CatalogEntry;
  readonly node: BlockStmt;
  readonly label?: string;
  /** The construct id: the label, or the block's name for a configuration block. */
  readonly id: string;
  readonly props: Array<readonly [string, PProp]>;
  readonly hatches: PHatch[];
  /** The components its values reference. */
  readonly refs: Set<PComponent>;
  /** Comments of the input that the typed API has no place for, kept in the module only. */
  readonly looseComments: string[];
  /** The variable that holds it, when something references it. */
  variable?: string;
  /** Its output sends nowhere, as written in the input: the typed API needs `dropOutput: true` to accept that. */
  dropOutput?: boolean;
}

export interface ImportPlan {
  readonly source: SourceFile;
  /** Whether the input starts with the header every rendered config starts with. */
  readonly hasHeader: boolean;
  /** Configuration blocks and components in the order the module creates them. */
  readonly creation: readonly PComponent[];
  /** Comments after the last statement, kept in the module only. */
  readonly trailingComments: readonly string[];
  /** What the typed API cannot reproduce (each also an error unless changes are allowed). */
  readonly changes: readonly ImportProblem[];
}

/** A problem at a position of the input. */
export interface ImportProblem {
  readonly position: Position;
  readonly message: string;
}

/** A file the importer cannot turn into a module: every problem, one `file:line:col: message` per line. */
export class AlloyImportError extends Error {
  public constructor(public readonly problems: readonly ImportProblem[]) {
    super(problems.map((p) => `${formatPosition(p.position)}: ${p.message}`).join('\n'));
    this.name = 'AlloyImportError';
  }
}

const HEADER_COMMENT = `// ${CONFIG_HEADER}`;

/** Top-level blocks Alloy knows that the typed API has no construct for. */
const UNSUPPORTED_BLOCKS: Readonly<Record<string, string>> = {
  declare: 'a custom component (declare) has no typed construct',
  argument: 'module arguments (argument) belong to a module, which has no typed construct',
  export: 'module exports (export) belong to a module, which has no typed construct',
  'import.file': 'modules (import.file) have no typed construct',
  'import.git': 'modules (import.git) have no typed construct',
  'import.http': 'modules (import.http) have no typed construct',
  'import.string': 'modules (import.string) have no typed construct',
  foreach: 'foreach has no typed construct',
  remotecfg: 'the remotecfg block has no typed construct',
};

/** Builds the plan of a parsed file; throws an {@link AlloyImportError} naming every problem. */
export function planImport(file: SyntaxFile): ImportPlan {
  return new Planner(file).plan();
}

interface CommentPlace {
  readonly comment: CommentNode;
  /** Why the printer cannot place it, if it cannot. */
  readonly unplaceable?: string;
}

class Planner {
  private readonly errors: ImportProblem[] = [];
  private readonly changes: ImportProblem[] = [];
  private readonly byAddress = new Map<string, PComponent>();
  private readonly namespaces = new Set(catalogNames().filter((n) => n.includes('.')).map((n) => n.split('.')[0]));
  /** Comments by the block whose body holds them (`undefined`: the file). */
  private readonly comments = new Map<BlockStmt | undefined, CommentPlace[]>();

  public constructor(private readonly file: SyntaxFile) {}

  public plan(): ImportPlan {
    const source = this.file.source;
    const all = this.file.comments.flat();
    const hasHeader = all.length > 0 && all[0].pos === 0 && all[0].text === HEADER_COMMENT;
    this.placeComments(hasHeader ? all.slice(1) : all);

    const configBlocks: PComponent[] = [];
    const components: PComponent[] = [];
    for (const stmt of this.file.body) {
      if (stmt.type === 'attribute') {
        this.error(stmt.name.pos, `attribute "${stmt.name.name}" at the top level; Alloy accepts only blocks there: move it into a component`);
        continue;
      }
      const c = this.declare(stmt);
      if (c === undefined) continue;
      if (c.entry.configBlock) {
        if (components.length > 0) {
          this.change(stmt.namePos, `the ${c.entry.alloyName} block comes after components; AlloyConfig prints configuration blocks first: move it above the first component`);
        }
        configBlocks.push(c);
      } else {
        components.push(c);
      }
    }
    if (this.errors.length === 0) {
      for (const c of [...configBlocks, ...components]) this.fill(c);
      this.checkCycles(components);
    }
    // comments at the top level: before the statement that follows them
    const loose = [...(this.comments.get(undefined) ?? [])];
    const trailing: string[] = [];
    for (const place of loose) {
      const next = [...configBlocks, ...components].find((c) => c.node.namePos > place.comment.pos);
      const why = place.unplaceable ?? 'AlloyConfig has no place for comments between blocks';
      this.change(place.comment.pos, `comment ${JSON.stringify(place.comment.text)} cannot be kept in config.alloy: ${why}; it is kept in the module only`);
      (next === undefined ? trailing : next.looseComments).push(place.comment.text);
    }
    if (this.errors.length > 0) {
      throw new AlloyImportError(this.errors.sort((a, b) => a.position.line - b.position.line || a.position.column - b.position.column));
    }
    const creation = this.creationOrder(configBlocks, components);
    return { source, hasHeader, creation, trailingComments: trailing, changes: this.changes };
  }

  // ---- comments

  private placeComments(comments: readonly CommentNode[]): void {
    const source = this.file.source;
    for (const comment of comments) {
      let container: BlockStmt | undefined;
      let body: readonly Stmt[] = this.file.body;
      let unplaceable: string | undefined;
      for (;;) {
        const inside = body.find((s) => startPos(s) <= comment.pos && comment.pos < endPos(s));
        if (inside === undefined) break;
        if (inside.type === 'attribute' || comment.pos < inside.lcurlyPos) {
          unplaceable = 'it stands inside an expression, and the value model holds no comments there';
          break;
        }
        container = inside;
        body = inside.body;
      }
      const line = source.line(comment.pos);
      if (unplaceable === undefined) {
        const before = body.filter((s) => endPos(s) <= comment.pos);
        const previousEnd = before.length > 0 ? endPos(before[before.length - 1]) : container?.lcurlyPos;
        if (previousEnd !== undefined && source.line(previousEnd) === line) {
          unplaceable = 'it ends a line that holds code, and the printer writes comments on lines of their own';
        } else if (comment.text.startsWith('/*')) {
          unplaceable = 'a /* */ comment; the printer writes // comments';
        } else if (comment.text !== '//' && !comment.text.startsWith('// ')) {
          unplaceable = 'the printer writes a space after //';
        }
      }
      const list = this.comments.get(container) ?? [];
      list.push({ comment, unplaceable });
      this.comments.set(container, list);
    }
  }

  /** The comments inside a block's span (at any depth), to tell whether it can be typed. */
  private commentsWithin(node: BlockStmt): CommentNode[] {
    return this.file.comments.flat().filter((c) => c.pos > node.lcurlyPos && c.pos < node.rcurlyPos);
  }

  // ---- components

  private declare(stmt: BlockStmt): PComponent | undefined {
    const name = stmt.name.join('.');
    const unsupported = UNSUPPORTED_BLOCKS[name];
    if (unsupported !== undefined) {
      this.error(stmt.namePos, `cannot import ${name}${stmt.label === undefined ? '' : ` "${stmt.label}"`}: ${unsupported}; ` +
        'keep that part in a config of its own, or write the components it holds out in this file');
      return undefined;
    }
    const entry = catalogEntry(name);
    if (entry === undefined) {
      const near = catalogNames().filter((n) => n.split('.')[0] === stmt.name[0]);
      this.error(stmt.namePos, `unknown component or block "${name}" (Alloy v1.18.1 has no component by that name); ` +
        (near.length > 0 ? `check the name: the ${stmt.name[0]} components are ${near.join(', ')}` : 'check the spelling against the Alloy v1.18.1 reference'));
      return undefined;
    }
    if (entry.configBlock !== (stmt.label === undefined)) {
      this.error(stmt.namePos, entry.configBlock
        ? `the ${name} block takes no label (got "${stmt.label}"); remove the label`
        : `component ${name} needs a label (got none); write ${name} "name" { ... }`);
      return undefined;
    }
    const address = `${name}.${stmt.label ?? ''}`;
    if (this.byAddress.has(address)) {
      const other = this.byAddress.get(address)!;
      this.error(stmt.namePos, `${name}${stmt.label === undefined ? '' : ` "${stmt.label}"`} is declared twice (also at ${formatPosition(this.pos(other.node.namePos))}); give one another label`);
      return undefined;
    }
    const c: PComponent = {
      entry, node: stmt, label: stmt.label, id: stmt.label ?? name, props: [], hatches: [], refs: new Set(), looseComments: [],
    };
    this.byAddress.set(address, c);
    return c;
  }

  /** The props and escape hatches of a component's body. */
  private fill(c: PComponent): void {
    const schema = c.entry.schema;
    const body = c.node.body;
    for (const place of this.comments.get(c.node) ?? []) {
      this.change(place.comment.pos, `comment ${JSON.stringify(place.comment.text)} cannot be kept in config.alloy: ` +
        `${place.unplaceable ?? `the typed props of ${c.entry.alloyName} hold no comments`}; it is kept in the module only`);
      c.looseComments.push(place.comment.text);
    }
    const firstBlock = body.findIndex((s) => s.type === 'block');
    body.forEach((s, i) => {
      if (s.type === 'attribute' && firstBlock !== -1 && i > firstBlock) {
        this.change(s.name.pos, `attribute "${s.name.name}" follows a block; a component prints its attributes before its blocks: move it above the first block`);
      }
    });
    let last = -1;
    let hatching = false;
    let previous = '';
    for (const s of body.filter((x) => x.type === 'attribute')) {
      if (s.type !== 'attribute') continue;
      const field = this.field(schema, s.name.name, 'attribute');
      if (field === undefined) {
        this.unknown(c.entry, s.name.pos, s.name.name, 'argument', schema);
        continue;
      }
      const value = this.value(s.value, c);
      if (!hatching && field.index > last) {
        c.props.push([field.prop, { kind: 'value', value }]);
        last = field.index;
      } else {
        hatching = true;
        c.hatches.push({ kind: 'attribute', name: s.name.name, value, pos: s.name.pos, why: `"${s.name.name}" follows "${previous}" in the input, and typed props print in schema order` });
      }
      previous = s.name.name;
    }
    last = -1;
    hatching = false;
    previous = '';
    const blocks = body.filter((x): x is BlockStmt => x.type === 'block');
    let i = 0;
    while (i < blocks.length) {
      const b = blocks[i];
      const name = b.name.join('.');
      const field = this.field(schema, name, 'block');
      if (field === undefined) {
        this.unknown(c.entry, b.namePos, name, 'block', schema);
        i++;
        continue;
      }
      let why: string | undefined = hatching ? 'it follows a block written through an escape hatch' : undefined;
      if (why === undefined && field.index < last) why = `"${name}" follows "${previous}" in the input, and typed props print blocks in schema order`;
      let items: Array<[string, PBlockProps]> = [];
      let j = i;
      if (why === undefined) {
        // the run of blocks of this prop (consecutive blocks of the same name, or consecutive stages)
        while (j < blocks.length) {
          const bj = blocks[j];
          const fj = this.field(schema, bj.name.join('.'), 'block');
          if (fj === undefined || fj.prop !== field.prop || (field.kind !== 'stages' && bj.name.join('.') !== name)) break;
          const typed = this.typedBlock(fj.schema as BlockSchema, bj, c);
          if (typeof typed === 'string') {
            why = typed;
            break;
          }
          items.push([fj.option ?? '', typed]);
          j++;
        }
        if (why !== undefined && j > i) {
          // type the blocks that can be, up to the first that cannot
          this.pushBlocks(c, field, items);
          last = field.index;
          previous = blocks[j - 1].name.join('.');
          i = j;
          continue;
        }
      }
      if (why === undefined) {
        this.pushBlocks(c, field, items);
        last = field.index;
        previous = blocks[j - 1].name.join('.');
        i = j;
        continue;
      }
      hatching = true;
      items = [];
      if (b.label !== undefined) {
        this.change(b.namePos, `block ${name} "${b.label}" cannot be written through the typed props (${why}), and the escape hatch addBlock takes no label: ` +
          'write the labelled blocks together, in schema order, before the other blocks');
      } else {
        c.hatches.push({ kind: 'block', name, body: this.stmts(b, c), why, pos: b.namePos });
      }
      previous = name;
      i++;
    }
  }

  private pushBlocks(c: PComponent, field: FieldInfo, items: Array<[string, PBlockProps]>): void {
    c.props.push([field.prop, field.kind === 'stages' ? { kind: 'stages', items } : { kind: 'blocks', items: items.map(([, p]) => p) }]);
  }

  /** A block's props when the typed API prints it exactly as written; otherwise why not. */
  private typedBlock(field: BlockSchema, b: BlockStmt, c: PComponent): PBlockProps | string {
    const name = b.name.join('.');
    if ((b.label !== undefined) !== (field.labelled === true)) {
      return field.labelled ? `block ${name} needs a label` : `block ${name} takes no label`;
    }
    if (this.commentsWithin(b).length > 0) return `block ${name} holds comments, which typed props cannot hold`;
    const props: Array<readonly [string, PProp]> = [];
    let last = -1;
    let seenBlock = false;
    let k = 0;
    const body = b.body;
    while (k < body.length) {
      const s = body[k];
      if (s.type === 'attribute') {
        const f = this.field(field.body, s.name.name, 'attribute');
        if (f === undefined) return `Alloy v1.18.1 knows no argument "${s.name.name}" in ${name}`;
        if (seenBlock || f.index <= last) return `block ${name} does not list its arguments in schema order`;
        props.push([f.prop, { kind: 'value', value: this.value(s.value, c) }]);
        last = f.index;
        k++;
        continue;
      }
      seenBlock = true;
      const inner = s.name.join('.');
      const f = this.field(field.body, inner, 'block');
      if (f === undefined) return `Alloy v1.18.1 knows no block "${inner}" in ${name}`;
      if (f.index < last || (f.index === last && f.kind !== 'stages')) return `block ${name} does not list its blocks in schema order`;
      const items: Array<[string, PBlockProps]> = [];
      while (k < body.length && body[k].type === 'block') {
        const bk = body[k] as BlockStmt;
        const fk = this.field(field.body, bk.name.join('.'), 'block');
        if (fk === undefined || fk.prop !== f.prop || (f.kind !== 'stages' && bk.name.join('.') !== inner)) break;
        const typed = this.typedBlock(fk.schema as BlockSchema, bk, c);
        if (typeof typed === 'string') return typed;
        items.push([fk.option ?? '', typed]);
        k++;
      }
      props.push([f.prop, f.kind === 'stages' ? { kind: 'stages', items } : { kind: 'blocks', items: items.map(([, p]) => p) }]);
      last = f.index;
    }
    return { label: b.label, props };
  }

  /** The statements of a block written through addBlock, its comments among them. */
  private stmts(b: BlockStmt, c: PComponent): PStmt[] {
    const out: PStmt[] = [];
    const comments = [...(this.comments.get(b) ?? [])];
    const flushBefore = (pos: number): void => {
      while (comments.length > 0 && comments[0].comment.pos < pos) {
        const place = comments.shift()!;
        if (place.unplaceable !== undefined) {
          this.change(place.comment.pos, `comment ${JSON.stringify(place.comment.text)} cannot be kept in config.alloy: ${place.unplaceable}; it is kept in the module only`);
          c.looseComments.push(place.comment.text);
        } else {
          out.push({ kind: 'comment', text: place.comment.text === '//' ? '' : place.comment.text.slice(3) });
        }
      }
    };
    for (const s of b.body) {
      flushBefore(startPos(s));
      out.push(s.type === 'attribute'
        ? { kind: 'attribute', name: s.name.name, value: this.value(s.value, c) }
        : { kind: 'block', name: s.name.join('.'), body: this.stmts(s, c) });
      if (s.type === 'block' && s.label !== undefined) {
        this.change(s.namePos, `block ${s.name.join('.')} "${s.label}" inside a block written through addBlock loses its label (statements of the escape hatch have none)`);
      }
    }
    flushBefore(b.rcurlyPos);
    return out;
  }

  private field(schema: BodySchema, name: string, kind: 'attribute' | 'block'): FieldInfo | undefined {
    let index = 0;
    for (const [prop, f] of Object.entries(schema)) {
      if (f.kind === 'attribute' && kind === 'attribute' && f.name === name) return { prop, index, kind: 'attribute', schema: f };
      if (f.kind === 'block' && kind === 'block' && f.name === name) return { prop, index, kind: 'block', schema: f };
      if (f.kind === 'enum' && kind === 'block') {
        const option = Object.entries(f.options).find(([, o]) => o.name === name);
        if (option !== undefined) return { prop, index, kind: 'stages', schema: option[1], option: option[0] };
      }
      index++;
    }
    return undefined;
  }

  private unknown(entry: CatalogEntry, pos: number, name: string, what: string, schema: BodySchema): void {
    const known = Object.values(schema).flatMap((f) => (f.kind === 'enum' ? Object.values(f.options).map((o) => o.name) : [f.name]));
    this.error(pos, `Alloy v1.18.1 knows no ${what} "${name}" in ${entry.alloyName}; use one of ${known.sort().join(', ') || '(none)'}`);
  }

  // ---- values

  private value(node: ExprNode, c: PComponent): PValue {
    switch (node.type) {
      case 'literal':
        return { kind: 'literal', value: decodeLiteral(node) };
      case 'array':
        return { kind: 'list', items: node.elements.map((e) => this.value(e, c)) };
      case 'object': {
        const seen = new Set<string>();
        for (const f of node.fields) {
          if (seen.has(f.name.name)) this.error(f.name.pos, `field "${f.name.name}" appears twice in one object; keep one`);
          seen.add(f.name.name);
        }
        return { kind: 'object', fields: node.fields.map((f) => [f.quoted ? unquote(`"${f.name.name}"`) : f.name.name, this.value(f.value, c)] as const) };
      }
      case 'paren':
        return this.value(node.inner, c);
      case 'unary':
        if (node.op === '-' && node.value.type === 'literal' && (node.value.kind === 'NUMBER' || node.value.kind === 'FLOAT')) {
          return { kind: 'literal', value: -(decodeLiteral(node.value) as number) };
        }
        return { kind: 'unary', op: node.op, operand: this.value(node.value, c) };
      case 'binary':
        return { kind: 'binary', op: node.op, left: this.value(node.left, c), right: this.value(node.right, c) };
      case 'index':
        return { kind: 'index', value: this.value(node.value, c), index: this.value(node.index, c) };
      case 'call': {
        const fn = dottedPath(node.value);
        if (fn === undefined) {
          this.error(startPos(node), 'only a named function can be called (such as sys.env or string.format); call the function by its name');
          return { kind: 'literal', value: null };
        }
        const args = node.args.map((a) => this.value(a, c));
        if (fn === 'sys.env' && args.length === 1 && args[0].kind === 'literal' && typeof args[0].value === 'string') {
          return { kind: 'env', name: args[0].value };
        }
        return { kind: 'call', fn, args };
      }
      case 'identifier':
      case 'access':
        return this.reference(node, c);
    }
  }

  private reference(node: ExprNode, c: PComponent): PValue {
    const path = dottedPath(node)!;
    const parts = path.split('.');
    for (let i = parts.length - 1; i >= 2; i--) {
      const target = this.byAddress.get(parts.slice(0, i).join('.'));
      if (target === undefined || target.entry.configBlock) continue;
      const exports = exportsOf(target.entry);
      const prop = i < parts.length ? exports.get(parts[i]) : undefined;
      if (prop === undefined) {
        this.error(startPos(node), `${path} names no export of ${target.entry.alloyName} "${target.label}" ` +
          `(got ${i < parts.length ? `"${parts[i]}"` : 'no export name'}); its exports are ${[...exports.keys()].join(', ') || '(none)'}`);
        return { kind: 'ref', path };
      }
      if (target === c) {
        this.error(startPos(node), `${c.entry.alloyName} "${c.label}" references its own export ${path}; Alloy refuses a component that depends on itself`);
        return { kind: 'ref', path };
      }
      c.refs.add(target);
      return { kind: 'export', target, name: parts[i], prop, rest: parts.slice(i + 1) };
    }
    if (this.namespaces.has(parts[0])) {
      this.error(startPos(node), `${path} references a component that is not in this file; ` +
        'declare that component in the file, or import the file that holds it together with this one');
    }
    return { kind: 'ref', path };
  }

  // ---- order

  /**
   * The order to create the components in, so that (1) a referenced component exists before
   * the one that references it, and (2) AlloyConfig's data-flow order (a heap of ready
   * components by creation index) prints them in the input's order. Each step of that order
   * gives constraints: the component printed next was created before every other component
   * ready at that step.
   */
  private creationOrder(configBlocks: readonly PComponent[], components: readonly PComponent[]): PComponent[] {
    const n = components.length;
    const index = new Map(components.map((c, i) => [c, i]));
    const before: Array<Set<number>> = components.map(() => new Set());
    const incoming = new Array<number>(n).fill(0);
    components.forEach((c, u) => c.refs.forEach((t) => {
      before[index.get(t)!].add(u);
      incoming[index.get(t)!]++;
    }));
    const emitted = new Array<boolean>(n).fill(false);
    let ordered = true;
    for (let k = 0; k < n; k++) {
      if (incoming[k] !== 0) {
        const referrer = components.find((c, u) => !emitted[u] && u !== k && c.refs.has(components[k]))!;
        this.change(components[k].node.namePos,
          `${describeComponent(components[k])} is referenced by ${describeComponent(referrer)}, which comes later in the file; ` +
          'AlloyConfig prints a component after those that reference it (data-flow order): move it below them');
        ordered = false;
        break;
      }
      for (let v = k + 1; v < n; v++) {
        if (incoming[v] === 0) before[k].add(v);
      }
      emitted[k] = true;
      components[k].refs.forEach((t) => incoming[index.get(t)!]--);
    }
    const order = ordered ? topological(n, before) : undefined;
    if (order === undefined && ordered) {
      this.change(components[0]?.node.namePos ?? 0,
        'AlloyConfig cannot print the components in the order of the file: its data-flow order picks the earliest-created ready component, and no creation order ' +
        'both creates each referenced component first and yields this order; order the components as data flows (senders above the components they send to)');
    }
    const creation = (order ?? topological(n, referencedFirst(components, index)) ?? components.map((_, i) => i)).map((i) => components[i]);
    const referencing = configBlocks.some((b) => b.refs.size > 0);
    return referencing ? [...creation, ...configBlocks] : [...configBlocks, ...creation];
  }

  private checkCycles(components: readonly PComponent[]): void {
    const state = new Map<PComponent, 'visiting' | 'done'>();
    const stack: PComponent[] = [];
    const visit = (c: PComponent): PComponent[] | undefined => {
      if (state.get(c) === 'done') return undefined;
      if (state.get(c) === 'visiting') return [...stack.slice(stack.indexOf(c)), c];
      state.set(c, 'visiting');
      stack.push(c);
      for (const t of c.refs) {
        const found = visit(t);
        if (found !== undefined) return found;
      }
      stack.pop();
      state.set(c, 'done');
      return undefined;
    };
    for (const c of components) {
      const cycle = visit(c);
      if (cycle !== undefined) {
        this.error(cycle[0].node.namePos, `components reference each other in a cycle (${cycle.map(describeComponent).join(' -> ')}); ` +
          'Alloy refuses cyclic configs: break the loop');
        return;
      }
    }
  }

  // ---- problems

  private pos(offset: number): Position {
    return this.file.source.position(offset);
  }

  private error(offset: number, message: string): void {
    this.errors.push({ position: this.pos(offset), message });
  }

  private change(offset: number, message: string): void {
    this.changes.push({ position: this.pos(offset), message });
  }
}

interface FieldInfo {
  readonly prop: string;
  readonly index: number;
  readonly kind: 'attribute' | 'block' | 'stages';
  /** The attribute's schema, or the block's (for a stage, the option's). */
  readonly schema: AttributeSchema | BlockSchema;
  /** For a `stage.*` block: its key in the stages prop (`json`). */
  readonly option?: string;
}

function describeComponent(c: PComponent): string {
  return c.label === undefined ? c.entry.alloyName : `${c.entry.alloyName} "${c.label}"`;
}

function referencedFirst(components: readonly PComponent[], index: ReadonlyMap<PComponent, number>): Array<Set<number>> {
  const before: Array<Set<number>> = components.map(() => new Set());
  components.forEach((c, u) => c.refs.forEach((t) => before[index.get(t)!].add(u)));
  return before;
}

/** A topological order of `before` (i before each of before[i]), ties by index; undefined on a cycle. */
function topological(n: number, before: ReadonlyArray<ReadonlySet<number>>): number[] | undefined {
  const incoming = new Array<number>(n).fill(0);
  before.forEach((s) => s.forEach((v) => incoming[v]++));
  const ready: number[] = [];
  incoming.forEach((count, i) => { if (count === 0) ready.push(i); });
  const order: number[] = [];
  while (ready.length > 0) {
    ready.sort((a, b) => a - b);
    const i = ready.shift()!;
    order.push(i);
    before[i].forEach((v) => { if (--incoming[v] === 0) ready.push(v); });
  }
  return order.length === n ? order : undefined;
}
