/**
 * Layouts: the order, comments and blank lines of a hand-written config.alloy, for the
 * components and configuration blocks that render it (`component.layout([...])`) and for the
 * file itself (`config.printOrder([...])`). A list's own layout, one line or one element per
 * line, is a mark on the list (`Layout.lines`, `Layout.oneLine`), which the printer honours.
 *
 * Without a layout, a block prints its attributes in schema order, then its blocks, and a
 * config prints its configuration blocks, then its components in data-flow order. A layout
 * changes only where things stand: every attribute and block is still rendered from the typed
 * props (or an escape hatch), checked, and printed canonically.
 */
import { Statement, setListLayout, setObjectLayout, setQuotedKeys } from './syntax';

/** A layout item naming a block, with the layout of its own body if that needs one. */
export interface LayoutBlock {
  readonly kind: 'block';
  /** The block's name (`client`, `stage.json`); repeated blocks take their turns in the order the props render them. */
  readonly name: string;
  /** The layout of its body. @default - the canonical order of the body */
  readonly body?: readonly LayoutItem[];
}

/** A `// text` line. */
export interface LayoutComment {
  readonly kind: 'comment';
  readonly text: string;
}

/** An empty line before the next item. */
export interface LayoutBlank {
  readonly kind: 'blank';
}

/**
 * One line or statement of a block's body, in the order it is printed: an attribute or block
 * name (a string), a block with a layout of its own ({@link Layout.block}), a comment line
 * ({@link Layout.comment}) or a blank line ({@link Layout.blank}).
 */
export type LayoutItem = string | LayoutBlock | LayoutComment | LayoutBlank;

/**
 * Builds the items of `component.layout([...])` and `config.printOrder([...])`, and marks how
 * a list is printed (`Layout.lines`, `Layout.oneLine`).
 */
export class Layout {
  /** A block, with the layout of its own body (`Layout.block('client', ['endpoint', 'auth'])`). */
  public static block(name: string, body?: readonly LayoutItem[]): LayoutBlock {
    return body === undefined ? { kind: 'block', name } : { kind: 'block', name, body };
  }

  /** A `// text` line (`text` without the slashes). */
  public static comment(text: string): LayoutComment {
    assertCommentText('Layout.comment', text);
    return { kind: 'comment', text };
  }

  /** A blank line. A layout prints blank lines only where it says so, and before a block that follows an attribute or a block (alloy fmt always puts one there). */
  public static blank(): LayoutBlank {
    return { kind: 'blank' };
  }

  /**
   * The same list, printed one element per line (each followed by `,`) however short it is:
   * `forwardTo: Layout.lines([rw.receiver])`. It returns the array it is given, typed as
   * before, and marks it; the mark goes wherever the array goes (a prop, an object field, a
   * call's argument). An empty list cannot be marked so: alloy fmt prints `[]` on one line.
   */
  public static lines<T extends readonly unknown[]>(list: T): T {
    return setListLayout('Layout.lines', list, 'lines');
  }

  /**
   * The same list, printed on one line however long it is: `[a, b, c]`; or the same object,
   * printed on one line: `{a = 1, b = "x"}` (without the mark an object is printed one field per
   * line). It returns the array or object it is given, typed as before, and marks it. Its
   * elements or fields must print on one line too (no list printed over lines, no object not
   * itself marked); the printer refuses it otherwise, naming the attribute.
   */
  public static oneLine<T extends object>(value: T): T {
    // what is neither a list nor an object gets the list's error, the mark's first use
    return Array.isArray(value) || typeof value !== 'object' || value === null
      ? setListLayout('Layout.oneLine', value as unknown as readonly unknown[], 'oneLine') as unknown as T
      : setObjectLayout('Layout.oneLine', value, 'oneLine');
  }

  /**
   * The same object, with `keys` printed quoted though they need no quotes:
   * `Layout.quotedKeys({ __address__: 'x:1' })` prints `"__address__" = "x:1"`, as a hand-written
   * file may have it (alloy fmt keeps the quotes as written). Without `keys`, every key of the
   * object. A key that needs quotes (`"k8s.pod.name"`) is printed quoted anyway.
   */
  public static quotedKeys<T extends object>(object: T, keys?: ReadonlyArray<Extract<keyof T, string>>): T {
    return setQuotedKeys('Layout.quotedKeys', object, keys);
  }
}

/** Throws unless `text` can be one comment line. */
export function assertCommentText(subject: string, text: unknown): void {
  if (typeof text !== 'string' || /[\r\n]/.test(text)) {
    throw new Error(
      `${subject}: a comment must be one line of text (got ${JSON.stringify(text)}); use one comment item per line, without the leading //`,
    );
  }
}

/** Checks the shape of layout items when they are given; the names are checked at synth, against what the props render. */
export function checkLayoutItems(subject: string, items: readonly unknown[]): void {
  if (!Array.isArray(items)) {
    throw new Error(`${subject}: a layout is a list of items (got ${typeof items}); pass an array of names, Layout.block(...), Layout.comment(...) and Layout.blank()`);
  }
  items.forEach((item, i) => {
    const at = `${subject}[${i}]`;
    if (typeof item === 'string') {
      if (item === '') throw new Error(`${at}: an empty name; name an attribute or block the props render`);
      return;
    }
    const kind = typeof item === 'object' && item !== null ? (item as { kind?: unknown }).kind : undefined;
    if (kind === 'comment') {
      assertCommentText(at, (item as LayoutComment).text);
    } else if (kind === 'block') {
      const b = item as LayoutBlock;
      if (typeof b.name !== 'string' || b.name === '') throw new Error(`${at}: Layout.block needs the block's name (got ${JSON.stringify(b.name)})`);
      if (b.body !== undefined) checkLayoutItems(`${at} > ${b.name}`, b.body);
    } else if (kind !== 'blank') {
      throw new Error(
        `${at}: not a layout item (got ${JSON.stringify(item)}); use a name, Layout.block(name, body), Layout.comment(text) or Layout.blank()`,
      );
    }
  });
}

/**
 * The statements of a body (as the props render them) in the order of `items`, with their
 * comments and blank lines. Every attribute and block must be listed, each once (a repeated
 * block once per time it is rendered); `subject` names the body in errors.
 */
export function applyLayout(subject: string, statements: readonly Statement[], items: readonly LayoutItem[]): Statement[] {
  const attributes = new Map<string, Statement>();
  const blocks = new Map<string, Statement[]>();
  for (const s of statements) {
    if (s.kind === 'attribute') attributes.set(s.name, s);
    else if (s.kind === 'block') blocks.set(s.name, [...(blocks.get(s.name) ?? []), s]);
  }
  const rendered = (): string => {
    const names = statements.flatMap((s) => (s.kind === 'comment' ? [] : [s.name]));
    return names.length === 0 ? '(nothing)' : [...new Set(names)].join(', ');
  };
  const own = statements.find((s) => s.kind === 'comment');
  if (own !== undefined && own.kind === 'comment') {
    throw new Error(
      `${subject}: the body holds a comment of its own (${JSON.stringify(own.text)}, from addBlock), which a layout would lose; ` +
      'put the comments in the layout (Layout.comment) instead',
    );
  }
  const out: Statement[] = [];
  let blank = false;
  items.forEach((item, i) => {
    const at = `${subject}: layout item ${i + 1} (${describeItem(item)})`;
    if (typeof item !== 'string' && item.kind === 'blank') {
      if (blank) throw new Error(`${at}: a second blank line in a row, which alloy fmt removes; keep one`);
      if (out.length === 0 && items.slice(i + 1).every((x) => typeof x === 'string' || x.kind !== 'comment')) {
        throw new Error(`${at}: a blank line opens the body, where alloy fmt keeps none (but before a comment); leave it out`);
      }
      blank = true;
      return;
    }
    let stmt: Statement;
    if (typeof item !== 'string' && item.kind === 'comment') {
      stmt = { kind: 'comment', text: item.text };
    } else {
      const name = typeof item === 'string' ? item : item.name;
      const attr = typeof item === 'string' ? attributes.get(name) : undefined;
      if (attr !== undefined) {
        attributes.delete(name);
        stmt = attr;
      } else {
        const next = blocks.get(name)?.shift();
        if (next === undefined || next.kind !== 'block') {
          const listed = statements.some((s) => s.kind !== 'comment' && s.name === name);
          throw new Error(
            `${at}: ${listed ? `lists "${name}" more often than the props render it` : `names "${name}", which the props do not render`}; ` +
            `the props render ${rendered()}: list each of them once (a repeated block once per block)`,
          );
        }
        const body = typeof item !== 'string' && item.body !== undefined ? applyLayout(`${subject} > ${name}`, next.body, item.body) : next.body;
        stmt = { ...next, body };
      }
    }
    // a block after an attribute or a block gets its blank line from the printer, as alloy fmt prints it
    const automatic = stmt.kind === 'block' && out.length > 0 && out[out.length - 1].kind !== 'comment';
    out.push(automatic && !blank ? stmt : { ...stmt, blankBefore: blank });
    blank = false;
  });
  if (blank) {
    throw new Error(`${subject}: the layout ends in a blank line, which alloy fmt removes before a closing brace; leave it out`);
  }
  const left = [...attributes.keys(), ...[...blocks].flatMap(([name, rest]) => rest.map(() => name))];
  if (left.length > 0) {
    throw new Error(
      `${subject}: the layout leaves out ${left.map((n) => `"${n}"`).join(', ')}; ` +
      `list every attribute and block the props render (${rendered()}), or set no layout`,
    );
  }
  return out;
}

function describeItem(item: LayoutItem): string {
  if (typeof item === 'string') return JSON.stringify(item);
  switch (item.kind) {
    case 'block':
      return `block ${JSON.stringify(item.name)}`;
    case 'comment':
      return `comment ${JSON.stringify(item.text)}`;
    case 'blank':
      return 'blank line';
  }
}
