/**
 * A seeded generator of random Alloy statements, for checking the printer against a real
 * `alloy fmt` and for round-trip properties. Same seed, same statements.
 */
import { AlloyObject, AlloyValue, Expr, Statement, attribute, block, comment } from '../../lib/alloy/syntax';

/** mulberry32: a small deterministic PRNG. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NAMES = ['a', 'bb', 'endpoint', 'forward_to', 'x_1', '名前', 'max_keepalive_time', '_'];
const STRINGS = ['', 'plain', 'quote " inside', 'back\\slash', 'new\nline', 'tab\there', '} injected {', 'ünïcødé ✓', '\u0000\u0007\u007f', 'nbsp\u00a0zwj\u200d', '😀 astral', '\r\n', '${x}', '"\\"'];
const NUMBERS = [0, 1, -1, 42, 3.5, -0.25, 1e21, 1e-7, 123456789012, 0.1];

export function randomStatements(seed: number): Statement[] {
  const rnd = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const value = (depth: number): AlloyValue => {
    const r = rnd();
    if (r < 0.2) return pick(STRINGS);
    if (r < 0.3) return pick(NUMBERS);
    if (r < 0.35) return rnd() < 0.5;
    if (r < 0.38) return null;
    if (r < 0.45) return Expr.ref(`${pick(['otelcol', 'loki', 'prometheus'])}.thing.${pick(['default', 'x'])}.${pick(['input', 'receiver'])}`);
    if (r < 0.5) return Expr.env(pick(['HOME', 'TOKEN']));
    if (depth > 2) return pick(STRINGS);
    if (r < 0.75) {
      const n = Math.floor(rnd() * 5);
      return Array.from({ length: n }, () => value(depth + 1));
    }
    const obj: Record<string, AlloyValue> = {};
    const n = Math.floor(rnd() * 4);
    for (let i = 0; i < n; i++) {
      obj[pick([...NAMES, 'k8s.pod.name', 'with space', 'ünï'])] = value(depth + 1);
    }
    return obj as AlloyObject;
  };
  const body = (depth: number, top: boolean): Statement[] => {
    const n = Math.floor(rnd() * 6) + (top ? 1 : 0);
    const out: Statement[] = [];
    for (let i = 0; i < n; i++) {
      const r = rnd();
      if (!top && r < 0.55) out.push(attribute(pick(NAMES), value(0)));
      else if (r < 0.65) out.push(comment(pick(['note', 'second line', ''])));
      else if (depth < 3) out.push(block(pick(['client', 'output', 'otelcol.exporter.otlp', 'wal']), rnd() < 0.5 ? pick(['default', 'x_1']) : undefined, body(depth + 1, false)));
    }
    return out;
  };
  return body(0, true);
}
