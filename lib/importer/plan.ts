/**
 * The import plan: what a parsed config.alloy becomes in the typed API, before it is written
 * as TypeScript (emit.ts) or built in-process to check the round trip (build.ts).
 *
 * Each component becomes its generated class, every attribute and block a typed prop. The
 * typed props print a body in schema order and AlloyConfig prints the file in data-flow order;
 * where the input is laid out otherwise (its order, comments, blank lines), the plan holds the
 * layout of each such body (`component.layout`) and the order of the file (`config.printOrder`).
 */
import { AlloyValue, CONFIG_HEADER, Expr, Layout, ListLayout, printValue } from '../alloy';
import type { AttributeSchema, BlockSchema, BodySchema } from '../alloy/internal';
import { decodeLiteral, unquote } from '../alloy/syntax/parser';
import { isIdentifier } from '../alloy/syntax/identifiers';
import { dottedPath } from '../alloy/syntax/to-statements';
import {
  ArrayExpr, BlockStmt, CommentNode, ExprNode, Position, SourceFile, Stmt, SyntaxFile, endPos, formatPosition, startPos,
} from '../alloy/syntax/tree';
import { CatalogEntry, catalogEntry, catalogNames, exportsOf } from './catalog';

/** A value as the importer carries it: the value model's kinds, with exports of components as objects. */
export type PValue =
  | { readonly kind: 'literal'; readonly value: string | number | boolean | null }
  /** `layout`: how the input lays the list out, where the printer would lay it out otherwise (`Layout.lines`, `Layout.oneLine`). */
  | { readonly kind: 'list'; readonly items: readonly PValue[]; readonly layout?: ListLayout }
  /** `oneLine`: the input writes it on one line (`Layout.oneLine`); `quoted`: keys it quotes that need no quotes (`Layout.quotedKeys`). */
  | { readonly kind: 'object'; readonly fields: ReadonlyArray<readonly [string, PValue]>; readonly oneLine?: boolean; readonly quoted?: readonly string[] }
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

/** An item of a body's layout (see `Layout`): a name, a block with a layout of its own, a comment line, a blank line. */
export type PLayoutItem =
  | { readonly kind: 'name'; readonly name: string }
  | { readonly kind: 'block'; readonly name: string; readonly body: readonly PLayoutItem[] }
  | { readonly kind: 'comment'; readonly text: string }
  | { readonly kind: 'blank' };

/** An item of the file's print order: a component or configuration block, a comment line, a blank line. */
export type PPrintItem = { readonly kind: 'component'; readonly component: PComponent } | { readonly kind: 'comment'; readonly text: string } | { readonly kind: 'blank' };

/** One component or configuration block of the file. */
export interface PComponent {
  readonly entry: CatalogEntry;
  readonly node: BlockStmt;
  readonly label?: string;
  /** The construct id: the label, or the block's name for a configuration block. */
  readonly id: string;
  readonly props: Array<readonly [string, PProp]>;
  /** The layout of its body, where the typed props would print it otherwise (`component.layout`). */
  layout?: readonly PLayoutItem[];
  /** The components its values reference. */
  readonly refs: Set<PComponent>;
  /** Comments of the input the printer cannot place, kept in the module only. */
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
  /** The order to print the file in, with its comments, where AlloyConfig's own order would print it otherwise. */
  readonly printOrder?: readonly PPrintItem[];
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
      (c.entry.configBlock ? configBlocks : components).push(c);
    }
    if (this.errors.length === 0) {
      for (const c of [...configBlocks, ...components]) this.fill(c);
      this.checkCycles(components);
    }
    // comments at the top level the printer cannot place: kept in the module, before the statement that follows them
    const trailing: string[] = [];
    for (const place of this.comments.get(undefined) ?? []) {
      if (place.unplaceable === undefined) continue;
      const next = [...configBlocks, ...components].find((c) => c.node.namePos > place.comment.pos);
      this.change(place.comment.pos, `comment ${JSON.stringify(place.comment.text)} cannot be kept in config.alloy: ${place.unplaceable}; it is kept in the module only`);
      (next === undefined ? trailing : next.looseComments).push(place.comment.text);
    }
    if (this.errors.length > 0) {
      throw new AlloyImportError(this.errors.sort((a, b) => a.position.line - b.position.line || a.position.column - b.position.column));
    }
    const byNode = new Map([...configBlocks, ...components].map((c) => [c.node, c]));
    const items: PPrintItem[] = [];
    let custom = false;
    let previous: PPrintItem | undefined;
    let configAfterComponent = false;
    for (const entry of this.entries(undefined, hasHeader ? 1 : 0)) {
      const item: PPrintItem = entry.comment !== undefined ? { kind: 'comment', text: entry.comment } : { kind: 'component', component: byNode.get(entry.stmt as BlockStmt)! };
      if (item.kind === 'comment') custom = true;
      if (item.kind === 'component' && item.component.entry.configBlock && items.some((i) => i.kind === 'component' && !i.component.entry.configBlock)) configAfterComponent = true;
      // a block after a block gets its blank line from the printer
      if (entry.blank && !(item.kind === 'component' && previous?.kind === 'component')) {
        items.push({ kind: 'blank' });
        custom = true;
      }
      items.push(item);
      previous = item;
    }
    const flow = this.flowCreation(components);
    const printOrder = custom || configAfterComponent || flow === undefined ? items : undefined;
    const index = new Map(components.map((c, i) => [c, i]));
    const order = printOrder === undefined ? flow! : topological(components.length, referencedFirst(components, index)) ?? components.map((_, i) => i);
    const creation = order.map((i) => components[i]);
    const referencing = configBlocks.some((b) => b.refs.size > 0);
    return {
      source, hasHeader, creation: referencing ? [...creation, ...configBlocks] : [...configBlocks, ...creation],
      printOrder, trailingComments: trailing, changes: this.changes,
    };
  }

  /**
   * The statements of a body (`undefined`: the file) and the comments the printer can place
   * there, in the order of the input, each with whether a blank line stands before it.
   * `firstLine` is the line the body opens on (for the file: the header's, or 0).
   */
  private entries(container: BlockStmt | undefined, firstLine: number): Array<{ blank: boolean; stmt?: Stmt; comment?: string }> {
    const source = this.file.source;
    const all: Array<{ start: number; end: number; stmt?: Stmt; comment?: string; dropped?: boolean }> = [
      ...(container?.body ?? this.file.body).map((stmt) => ({ start: startPos(stmt), end: endPos(stmt) - 1, stmt })),
      ...(this.comments.get(container) ?? []).map((p) => ({
        start: p.comment.pos,
        end: p.comment.pos + p.comment.text.length - 1,
        comment: p.comment.text === '//' ? '' : p.comment.text.slice(3),
        // a comment the printer cannot place (reported as a change) still fills its lines
        dropped: p.unplaceable !== undefined,
      })),
    ].sort((a, b) => a.start - b.start);
    let previousEnd = firstLine;
    const out: Array<{ blank: boolean; stmt?: Stmt; comment?: string }> = [];
    for (const e of all) {
      const blank = source.line(e.start) - previousEnd > 1;
      previousEnd = Math.max(previousEnd, source.line(e.end));
      if (!e.dropped) out.push({ blank, stmt: e.stmt, comment: e.comment });
    }
    return out;
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
      entry, node: stmt, label: stmt.label, id: stmt.label ?? name, props: [], refs: new Set(), looseComments: [],
    };
    this.byAddress.set(address, c);
    return c;
  }

  /** The props of a component's body, and its layout where the typed props would print it otherwise. */
  private fill(c: PComponent): void {
    const { props, layout } = this.body(c.entry.schema, c.node, c, c.entry.alloyName);
    c.props.push(...props);
    c.layout = layout;
  }

  /**
   * The typed props of a body (in schema order), and the layout that prints them as the input
   * has them (its order, comments and blank lines), or undefined when the canonical order does.
   */
  private body(schema: BodySchema, container: BlockStmt, c: PComponent, where: string): { props: Array<readonly [string, PProp]>; layout?: PLayoutItem[] } {
    const values = new Map<string, PProp>();
    const blocks = new Map<string, Array<[string, PBlockProps]>>();
    const layout: PLayoutItem[] = [];
    let custom = false;
    for (const place of this.comments.get(container) ?? []) {
      if (place.unplaceable === undefined) continue;
      this.change(place.comment.pos, `comment ${JSON.stringify(place.comment.text)} cannot be kept in config.alloy: ${place.unplaceable}; it is kept in the module only`);
      c.looseComments.push(place.comment.text);
    }
    let previous: PLayoutItem | undefined;
    for (const entry of this.entries(container, this.file.source.line(container.lcurlyPos))) {
      const blank = entry.blank;
      let item: PLayoutItem;
      if (entry.comment !== undefined) {
        item = { kind: 'comment', text: entry.comment };
        custom = true;
      } else if (entry.stmt!.type === 'attribute') {
        const s = entry.stmt as Extract<Stmt, { type: 'attribute' }>;
        const name = s.name.name;
        item = { kind: 'name', name };
        const field = this.field(schema, name, 'attribute');
        if (field === undefined) {
          this.unknown(where, s.name.pos, name, 'argument', schema);
        } else if (values.has(field.prop)) {
          this.error(s.name.pos, `attribute "${name}" is set twice in ${where}; Alloy refuses that: keep one`);
        } else {
          values.set(field.prop, { kind: 'value', value: this.value(s.value, c) });
        }
      } else {
        const b = entry.stmt as BlockStmt;
        const name = b.name.join('.');
        item = { kind: 'name', name };
        const field = this.field(schema, name, 'block');
        if (field === undefined) {
          this.unknown(where, b.namePos, name, 'block', schema);
        } else if ((b.label !== undefined) !== ((field.schema as BlockSchema).labelled === true)) {
          this.error(b.namePos, (field.schema as BlockSchema).labelled
            ? `block ${name} in ${where} needs a label (got none); write ${name} "name" { ... }`
            : `block ${name} in ${where} takes no label (got "${b.label}"); remove the label`);
        } else {
          const inner = this.body((field.schema as BlockSchema).body, b, c, `${where} > ${name}`);
          const list = blocks.get(field.prop) ?? [];
          list.push([field.option ?? '', { label: b.label, props: inner.props }]);
          blocks.set(field.prop, list);
          if (inner.layout !== undefined) {
            item = { kind: 'block', name, body: inner.layout };
            custom = true;
          }
        }
      }
      // a block after an attribute or a block gets its blank line from the printer
      const automatic = item.kind !== 'comment' && entry.stmt?.type === 'block' && previous !== undefined && previous.kind !== 'comment';
      if (blank && !automatic) {
        layout.push({ kind: 'blank' });
        custom = true;
      }
      layout.push(item);
      previous = item;
    }
    const props: Array<readonly [string, PProp]> = [];
    const canonical: string[] = [];
    const canonicalBlocks: string[] = [];
    for (const [prop, field] of Object.entries(schema)) {
      const value = values.get(prop);
      const items = blocks.get(prop);
      if (value !== undefined) {
        props.push([prop, value]);
        canonical.push((field as AttributeSchema).name);
      } else if (items !== undefined) {
        props.push([prop, field.kind === 'enum' ? { kind: 'stages', items } : { kind: 'blocks', items: items.map(([, p]) => p) }]);
        canonicalBlocks.push(...items.map(([option]) => (field.kind === 'enum' ? field.options[option].name : field.name)));
      }
    }
    const order = layout.filter((i): i is Exclude<PLayoutItem, { kind: 'comment' | 'blank' }> => i.kind === 'name' || i.kind === 'block').map((i) => i.name);
    custom ||= order.join('\n') !== [...canonical, ...canonicalBlocks].join('\n');
    return { props, layout: custom ? layout : undefined };
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

  private unknown(where: string, pos: number, name: string, what: string, schema: BodySchema): void {
    const known = Object.values(schema).flatMap((f) => (f.kind === 'enum' ? Object.values(f.options).map((o) => o.name) : [f.name]));
    this.error(pos, `Alloy v1.18.1 knows no ${what} "${name}" in ${where}; use one of ${known.sort().join(', ') || '(none)'}`);
  }

  // ---- values

  private value(node: ExprNode, c: PComponent): PValue {
    switch (node.type) {
      case 'literal':
        return { kind: 'literal', value: decodeLiteral(node) };
      case 'array': {
        const items = node.elements.map((e) => this.value(e, c));
        const layout = this.listLayout(node, items);
        return layout === undefined ? { kind: 'list', items } : { kind: 'list', items, layout };
      }
      case 'object': {
        const seen = new Set<string>();
        for (const f of node.fields) {
          if (seen.has(f.name.name)) this.error(f.name.pos, `field "${f.name.name}" appears twice in one object; keep one`);
          seen.add(f.name.name);
        }
        const fields = node.fields.map((f) => [f.quoted ? unquote(`"${f.name.name}"`) : f.name.name, this.value(f.value, c)] as const);
        const quoted = node.fields.flatMap((f, i) => (f.quoted && isIdentifier(fields[i][0]) ? [fields[i][0]] : []));
        const oneLine = fields.length > 0 && this.file.source.line(node.lcurlyPos) === this.file.source.line(node.rcurlyPos);
        return { kind: 'object', fields, ...(oneLine ? { oneLine } : {}), ...(quoted.length > 0 ? { quoted } : {}) };
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

  /**
   * The layout hint a list needs to print as the input has it: the input's layout where the
   * printer's default differs (a short list one element per line, a long one on one line).
   * A list written over lines with elements sharing them has no hint: a change.
   */
  private listLayout(node: ArrayExpr, items: readonly PValue[]): ListLayout | undefined {
    const input = inputListLayout(this.file.source, node);
    if (input === undefined) {
      if (items.length > 0) {
        this.change(node.lbrackPos, 'a list written over several lines with elements sharing a line (with the brackets or each other); ' +
          'the printer writes a list on one line, or one element per line: put each element on a line of its own, or the whole list on one line');
      }
      return undefined;
    }
    const print = (v: PValue): string | undefined => {
      try {
        return printValue(toAlloyValue(v, (e) => Expr.ref(exportPath(e))), 0);
      } catch {
        return undefined; // the render reports it, with its own words
      }
    };
    const text = print({ kind: 'list', items });
    if (text === undefined || text.includes('\n') === (input === 'lines')) return undefined;
    // a one-line list can be kept only with one-line elements (not an object written on one line)
    if (input === 'oneLine' && items.some((i) => print(i)?.includes('\n') !== false)) return undefined;
    return input;
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
   * components by creation index) prints them in the input's order; undefined when no order
   * does (the file then needs a print order). Each step of that order gives constraints: the
   * component printed next was created before every other component ready at that step.
   */
  private flowCreation(components: readonly PComponent[]): number[] | undefined {
    const n = components.length;
    const index = new Map(components.map((c, i) => [c, i]));
    const before: Array<Set<number>> = components.map(() => new Set());
    const incoming = new Array<number>(n).fill(0);
    components.forEach((c, u) => c.refs.forEach((t) => {
      before[index.get(t)!].add(u);
      incoming[index.get(t)!]++;
    }));
    for (let k = 0; k < n; k++) {
      if (incoming[k] !== 0) return undefined;
      for (let v = k + 1; v < n; v++) {
        if (incoming[v] === 0) before[k].add(v);
      }
      components[k].refs.forEach((t) => incoming[index.get(t)!]--);
    }
    return topological(n, before);
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

/**
 * How the input lays a list out: `oneLine` when it stands on one line, `lines` when every element
 * starts on a later line than the one before it ends (the first, than `[`) and `]` follows on a
 * later line than the last; undefined otherwise, and for an empty list written over lines.
 */
function inputListLayout(source: SourceFile, node: ArrayExpr): ListLayout | undefined {
  const line = (offset: number): number => source.line(offset);
  if (line(node.lbrackPos) === line(node.rbrackPos)) return 'oneLine';
  if (node.elements.length === 0) return undefined;
  let previous = node.lbrackPos;
  for (const e of node.elements) {
    if (line(startPos(e)) === line(previous)) return undefined;
    previous = endPos(e) - 1;
  }
  return line(previous) === line(node.rbrackPos) ? undefined : 'lines';
}

/** The path of an export as the input writes it (`prometheus.remote_write.default.receiver`). */
function exportPath(v: Extract<PValue, { kind: 'export' }>): string {
  return [v.target.entry.alloyName, v.target.label, v.name, ...v.rest].join('.');
}

/** A plan value in the value model, a list with its layout hint; `exportOf` gives the value of a component's export. */
export function toAlloyValue(v: PValue, exportOf: (v: Extract<PValue, { kind: 'export' }>) => AlloyValue): AlloyValue {
  const value = (x: PValue): AlloyValue => toAlloyValue(x, exportOf);
  switch (v.kind) {
    case 'literal':
      return v.value;
    case 'list': {
      const list = v.items.map(value);
      return v.layout === undefined ? list : v.layout === 'lines' ? Layout.lines(list) : Layout.oneLine(list);
    }
    case 'object': {
      const out: Record<string, AlloyValue> = {};
      for (const [key, field] of v.fields) Object.defineProperty(out, key, { value: value(field), enumerable: true, writable: true, configurable: true });
      if (v.quoted !== undefined) Layout.quotedKeys(out, v.quoted);
      return v.oneLine === true ? Layout.oneLine(out) : out;
    }
    case 'export':
      return exportOf(v);
    case 'ref':
      return Expr.ref(v.path);
    case 'env':
      return Expr.env(v.name);
    case 'call':
      return Expr.call(v.fn, ...v.args.map(value));
    case 'binary':
      return Expr.op(value(v.left), v.op as Parameters<typeof Expr.op>[1], value(v.right));
    case 'unary':
      return v.op === '!' ? Expr.not(value(v.operand)) : Expr.neg(value(v.operand));
    case 'index':
      return Expr.index(value(v.value), value(v.index));
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
