/**
 * Identifiers and labels of the Alloy syntax.
 *
 * An identifier starts with a letter or `_` and goes on with letters, digits and `_`
 * (Unicode letters and digits count, as in Alloy's scanner). `true`, `false` and `null`
 * are keywords, not identifiers. A block label must itself be a valid identifier.
 */

const IDENTIFIER = /^[\p{L}_][\p{L}\p{Nd}_]*$/u;
const KEYWORDS = new Set(['true', 'false', 'null']);

/** Whether `name` is a valid Alloy identifier. */
export function isIdentifier(name: string): boolean {
  return IDENTIFIER.test(name) && !KEYWORDS.has(name);
}

/**
 * Throws unless `name` is a valid Alloy identifier.
 *
 * @param subject what the name is for, named at the start of the error message
 * @param what what kind of name it is ("attribute name", "label", ...)
 */
export function assertIdentifier(subject: string, what: string, name: string): void {
  if (!isIdentifier(name)) {
    throw new Error(
      `${subject}: invalid ${what} (got ${JSON.stringify(name)}); ` +
      'use letters, digits and "_", not starting with a digit and not one of true, false, null ' +
      '(for example "my_pipeline")',
    );
  }
}

/** Throws unless every part of a dotted name (`otelcol.exporter.otlp`) is an identifier. */
export function assertDottedName(subject: string, what: string, name: string): void {
  const parts = name.split('.');
  if (parts.some((part) => !isIdentifier(part))) {
    throw new Error(
      `${subject}: invalid ${what} (got ${JSON.stringify(name)}); ` +
      'it must be identifiers joined by "." (for example "otelcol.exporter.otlp")',
    );
  }
}
