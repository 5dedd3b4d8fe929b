/**
 * The series selectors of a PromQL expression, and a check that each names a metric that
 * something in the environment exports, with a `job` that exists. Enough of PromQL for the
 * stack's own alerts and dashboards (selectors, functions, aggregations with by/without,
 * binary operators with on/ignoring/group_*, ranges, offsets, numbers and strings); an
 * expression it cannot read fails loudly rather than passing unchecked.
 */
import { firstDuplicate } from '../validation';

/** One series selector: a metric name or a `__name__` matcher, and the `job` matcher if any. */
export interface Selector {
  /** The metric name, or a regex of names (from `{__name__=~"..."}`), anchored. */
  readonly name: string | RegExp;
  /** The job matcher: an exact job, or a regex. */
  readonly job?: string | RegExp;
  /** The selector as written, for messages. */
  readonly text: string;
}

/** Something Prometheus holds metrics from: a scrape job, or what a collector remote-writes. */
export interface MetricsSource {
  /** The `job` label of its series, when Prometheus scrapes it (remote-written series carry their own). */
  readonly job?: string;
  /** What it is, for messages. */
  readonly from: string;
  /** The metric names it exports. */
  readonly metrics: () => readonly string[];
}

const KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'and', 'or', 'unless', 'offset', 'inf', 'nan']);

/** The selectors of `expr`. */
export function selectorsOf(expr: string): Selector[] {
  // grouping label lists and ranges name no metric; string literals are set aside first, so
  // that a regex such as "[45].." is not taken for a range
  const strings: string[] = [];
  const masked = expr.replace(/"(?:[^"\\]|\\.)*"/g, (lit) => `"${strings.push(lit) - 1}"`);
  const text = masked
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\boffset\s+\S+/g, ' ')
    .replace(/"(\d+)"/g, (_, i: string) => strings[Number(i)]);
  const out: Selector[] = [];
  const token = /([a-zA-Z_:][a-zA-Z0-9_:]*)?\s*(\{(?:[^}"]|"(?:[^"\\]|\\.)*")*\})|([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(\()?|"(?:[^"\\]|\\.)*"|[0-9][0-9.eE+-]*/g;
  for (const m of text.matchAll(token)) {
    const [whole, named, braces, bare, call] = m;
    if (braces !== undefined) {
      const matchers = matchersOf(braces, expr);
      const nameMatcher = matchers.find((x) => x.label === '__name__');
      const name = named ?? (nameMatcher === undefined ? undefined : nameMatcher.op === '=' ? nameMatcher.value : anchored(nameMatcher.value));
      if (name === undefined) throw new Error(`cannot read the selector ${whole.trim()} of ${JSON.stringify(expr)}: it names no metric`);
      const job = matchers.find((x) => x.label === 'job');
      if (job !== undefined && job.op !== '=' && job.op !== '=~') {
        throw new Error(`cannot check the job matcher ${job.label}${job.op}"${job.value}" of ${JSON.stringify(expr)}: use = or =~`);
      }
      out.push({ name, job: job === undefined ? undefined : job.op === '=' ? job.value : anchored(job.value), text: whole.trim() });
    } else if (bare !== undefined && call === undefined && !KEYWORDS.has(bare.toLowerCase())) {
      out.push({ name: bare, text: bare });
    }
  }
  return out;
}

function matchersOf(braces: string, expr: string): Array<{ label: string; op: string; value: string }> {
  const inner = braces.slice(1, -1).trim();
  const out: Array<{ label: string; op: string; value: string }> = [];
  const matcher = /\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"\s*(,|$)/y;
  let i = 0;
  while (i < inner.length) {
    matcher.lastIndex = i;
    const m = matcher.exec(inner);
    if (m === null) throw new Error(`cannot read the label matchers ${braces} of ${JSON.stringify(expr)}`);
    out.push({ label: m[1], op: m[2], value: m[3].replace(/\\\\/g, '\\') });
    i = matcher.lastIndex;
  }
  return out;
}

function anchored(re: string): RegExp {
  return new RegExp(`^(?:${re})$`);
}

function matches(pattern: string | RegExp, value: string): boolean {
  return typeof pattern === 'string' ? pattern === value : pattern.test(value);
}

/**
 * Problems of `expr` (an alert's or a panel's, named by `what`) against `sources`: a selector
 * whose metric no source exports (with its job, when it names one), and a job regex that is a
 * plain list of jobs naming one that does not exist.
 */
export function selectorProblems(what: string, expr: string, sources: readonly MetricsSource[], jobs: readonly string[]): string[] {
  const problems: string[] = [];
  for (const s of selectorsOf(expr)) {
    const candidates = sources.filter((src) => s.job === undefined || (src.job !== undefined && matches(s.job, src.job)));
    if (!candidates.some((src) => src.metrics().some((name) => exportedMatches(name, s.name)))) {
      problems.push(
        `${what}: ${s.text} selects ${typeof s.name === 'string' ? `the metric ${s.name}` : `metrics matching ${s.name.source}`}, which ` +
        `${s.job === undefined ? 'nothing in this environment exports' : 'no job it names exports'} ` +
        `(jobs: ${jobs.join(', ')}); remove the query or add what exports it`,
      );
    }
    if (s.job instanceof RegExp && /^\^\(\?:[a-z0-9-]+(\|[a-z0-9-]+)*\)\$$/.test(s.job.source)) {
      const listed = s.job.source.slice(4, -2).split('|');
      const missing = listed.filter((j) => !jobs.includes(j));
      if (missing.length > 0) {
        problems.push(`${what}: ${s.text} names the job${missing.length > 1 ? 's' : ''} ${missing.join(', ')}, which Prometheus does not scrape (jobs: ${jobs.join(', ')}); select only jobs that exist`);
      }
    }
  }
  return problems;
}

/** A job matcher for exactly `jobs`: `job="a"` or `job=~"a|b"`. */
export function jobMatcher(jobs: readonly string[]): string {
  return jobs.length === 1 ? `job="${jobs[0]}"` : `job=~"${jobs.join('|')}"`;
}

/**
 * Whether an exported name (`go_*` in Alloy's metric list stands for a family) covers what a
 * selector names.
 */
function exportedMatches(exported: string, selector: string | RegExp): boolean {
  if (!exported.endsWith('*')) return matches(selector, exported);
  const prefix = exported.slice(0, -1);
  return typeof selector === 'string' ? selector.startsWith(prefix) : selector.test(exported) || selector.source.startsWith(`^(?:${prefix}`);
}

/**
 * The problems of a rule set's alerts: two of one name, then each of the stack's own alerts (the
 * first `alerts.length - extra`) checked by `queryProblems`; the `extra` ones the user added may
 * query what only their own jobs export, which the stack cannot see.
 */
export function alertSetProblems(
  subject: string, alerts: ReadonlyArray<{ readonly alert: string; readonly expr: string }>, extra: number,
  queryProblems: (what: string, expr: string) => string[],
): string[] {
  const twice = firstDuplicate(alerts.map((a) => a.alert));
  if (twice !== undefined) return [`${subject}: two alerts named "${twice}"; give each alert its own name`];
  return alerts.slice(0, alerts.length - extra).flatMap((a) => queryProblems(`${subject}: alert ${a.alert}`, a.expr));
}
