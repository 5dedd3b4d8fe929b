/**
 * The statements of an Alloy file: attributes, blocks and comment lines.
 */
import type { AlloyValue } from './value';

/** `name = value` */
export interface Attribute {
  readonly kind: 'attribute';
  readonly name: string;
  readonly value: AlloyValue;
}

/** `name "label" { body }`; `name` may be dotted (`otelcol.receiver.otlp`). */
export interface Block {
  readonly kind: 'block';
  readonly name: string;
  readonly label?: string;
  readonly body: readonly Statement[];
}

/** A `// text` line. */
export interface Comment {
  readonly kind: 'comment';
  readonly text: string;
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
