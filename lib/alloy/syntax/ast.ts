/**
 * The statements of an Alloy file: attributes, blocks and comment lines.
 */
import type { AlloyValue } from './value';

/** `name = value` */
export interface Attribute {
  readonly kind: 'attribute';
  readonly name: string;
  readonly value: AlloyValue;
  /**
   * Whether a blank line stands before it. Left out, the printer's canonical rule decides: a
   * blank line before a block or a comment that does not follow a comment. `true` or `false`
   * say it, to keep the spacing of a hand-written file; alloy fmt always puts a blank line
   * before a block that follows an attribute or a block, and drops one at the start of a body
   * (but before a comment), so the printer refuses `false` and `true` there.
   *
   * @default - the canonical rule
   */
  readonly blankBefore?: boolean;
}

/** `name "label" { body }`; `name` may be dotted (`otelcol.receiver.otlp`). */
export interface Block {
  readonly kind: 'block';
  readonly name: string;
  readonly label?: string;
  readonly body: readonly Statement[];
  /**
   * Whether a blank line stands before it. Left out, the printer's canonical rule decides: a
   * blank line before a block or a comment that does not follow a comment. `true` or `false`
   * say it, to keep the spacing of a hand-written file; alloy fmt always puts a blank line
   * before a block that follows an attribute or a block, and drops one at the start of a body
   * (but before a comment), so the printer refuses `false` and `true` there.
   *
   * @default - the canonical rule
   */
  readonly blankBefore?: boolean;
}

/** A `// text` line. */
export interface Comment {
  readonly kind: 'comment';
  readonly text: string;
  /**
   * Whether a blank line stands before it. Left out, the printer's canonical rule decides: a
   * blank line before a block or a comment that does not follow a comment. `true` or `false`
   * say it, to keep the spacing of a hand-written file; alloy fmt always puts a blank line
   * before a block that follows an attribute or a block, and drops one at the start of a body
   * (but before a comment), so the printer refuses `false` and `true` there.
   *
   * @default - the canonical rule
   */
  readonly blankBefore?: boolean;
}

export type Statement = Attribute | Block | Comment;

/** Builds an attribute statement. */
export function attribute(name: string, value: AlloyValue): Attribute {
  return { kind: 'attribute', name, value };
}

/** Builds a block statement. */
export function block(name: string, label: string | undefined, body: readonly Statement[]): Block {
  return { kind: 'block', name, label, body };
}

/** Builds a comment line. */
export function comment(text: string): Comment {
  return { kind: 'comment', text };
}
