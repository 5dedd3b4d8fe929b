/**
 * The smoke test script, run as the Job runs it: SMOKE_SCRIPT written to smoke.js and started
 * with node, against fake Alloy, Tempo and Loki servers on loopback ports. Prometheus is the
 * real binary where it is installed (the fake Alloy remote-writes the gauge into it), so the
 * script's PromQL runs against a real query engine.
 */
import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';
import { SMOKE_CHECKS, SMOKE_METRIC, SMOKE_SCRIPT, SMOKE_SERVICE_NAME } from '../../lib/smoke/script';
import { encodeWriteRequest, snappyLiteral, TimeSeries } from '../support/remote-write';
import { haveTool } from '../support/tools';

const havePrometheus = haveTool('prometheus');

// ---- OTLP/JSON shapes, as far as the fakes read them -----------------------------------

interface KeyValue { key: string; value: { stringValue?: string } }
interface Resource { attributes: KeyValue[] }
interface Span { traceId: string; spanId: string; name: string; kind: number; startTimeUnixNano: string; endTimeUnixNano: string; attributes: KeyValue[] }
interface DataPoint { asDouble: number; timeUnixNano: string; attributes: KeyValue[] }
interface Metric { name: string; gauge?: { dataPoints: DataPoint[] } }
interface LogRecord { timeUnixNano: string; severityNumber: number; severityText: string; body: { stringValue: string }; traceId: string; spanId: string }
interface Traces { resourceSpans: Array<{ resource: Resource; scopeSpans: Array<{ spans: Span[] }> }> }
interface Metrics { resourceMetrics: Array<{ resource: Resource; scopeMetrics: Array<{ metrics: Metric[] }> }> }
interface Logs { resourceLogs: Array<{ resource: Resource; scopeLogs: Array<{ logRecords: LogRecord[] }> }> }

function attribute(attributes: KeyValue[], key: string): string | undefined {
  return attributes.find((a) => a.key === key)?.value.stringValue;
}

// ---- fake servers ----------------------------------------------------------------------

type Handler = (req: http.IncomingMessage, body: string, url: URL) => Promise<{ status: number; body?: unknown }> | { status: number; body?: unknown };

const servers: http.Server[] = [];

async function serve(handler: Handler): Promise<string> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      let answer: { status: number; body?: unknown };
      try {
        answer = await handler(req, Buffer.concat(chunks).toString('utf-8'), new URL(req.url!, 'http://fake'));
      } catch (err) {
        answer = { status: 500, body: { error: String(err) } };
      }
      const text = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body ?? {});
      res.writeHead(answer.status, { 'Content-Type': typeof answer.body === 'string' ? 'text/plain' : 'application/json' });
      res.end(text);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => {
    s.closeAllConnections();
    s.close(resolve);
  })));
});

interface StackOptions {
  /** Alloy answers 503 to the first this many requests on each path. */
  readonly rejectFirst?: number;
  /** Alloy accepts metrics but never forwards them. */
  readonly dropMetrics?: boolean;
  /** Base URL of a real Prometheus to remote-write into; otherwise a fake one answers queries. */
  readonly prometheus?: string;
  /** Tempo answers 404 whatever it is asked. */
  readonly tempoNever?: boolean;
  /** Loki answers every query with no streams. */
  readonly lokiEmpty?: boolean;
  /** The tenant Loki requires as X-Scope-OrgID (it answers 401 without it). */
  readonly lokiTenant?: string;
}

interface Stack {
  readonly env: Record<string, string>;
  /** Bodies Alloy accepted. */
  readonly traces: Traces[];
  readonly metrics: Metrics[];
  readonly logs: Logs[];
  /** The statuses Alloy answered, by path, and the Content-Type of each request. */
  readonly answers: Record<string, number[]>;
  readonly contentTypes: Array<string | undefined>;
  /** The X-Scope-OrgID of each Loki query. */
  readonly lokiTenants: Array<string | undefined>;
  readonly remoteWriteErrors: string[];
}

/** Prometheus' OTLP translation, as much as the gauge needs: job from service.name, data point attributes as labels. */
function toSeries(body: Metrics): TimeSeries[] {
  return body.resourceMetrics.flatMap((rm) => rm.scopeMetrics.flatMap((sm) => sm.metrics.flatMap((m) =>
    (m.gauge?.dataPoints ?? []).map((dp) => ({
      labels: {
        __name__: m.name,
        job: attribute(rm.resource.attributes, 'service.name') ?? '',
        ...Object.fromEntries(dp.attributes.map((a) => [a.key, a.value.stringValue ?? ''])),
      },
      samples: [{ value: dp.asDouble, timestampMs: Number(BigInt(dp.timeUnixNano) / 1_000_000n) }],
    })))));
}

async function startStack(options: StackOptions = {}): Promise<Stack> {
  const stack: Stack = {
    env: {}, traces: [], metrics: [], logs: [], answers: {}, contentTypes: [], lokiTenants: [], remoteWriteErrors: [],
  };
  const forwarded: TimeSeries[] = [];

  const alloy = await serve(async (req, body, url) => {
    const signal = /^\/v1\/(traces|metrics|logs)$/.exec(url.pathname)?.[1];
    if (req.method !== 'POST' || !signal) return { status: 404, body: 'not found' };
    stack.contentTypes.push(req.headers['content-type']);
    const answers = (stack.answers[url.pathname] ??= []);
    if (answers.length < (options.rejectFirst ?? 0)) {
      answers.push(503);
      return { status: 503, body: 'starting' };
    }
    answers.push(200);
    const parsed = JSON.parse(body);
    if (signal === 'traces') stack.traces.push(parsed);
    if (signal === 'logs') stack.logs.push(parsed);
    if (signal === 'metrics') {
      stack.metrics.push(parsed);
      if (!options.dropMetrics) {
        const series = toSeries(parsed);
        if (options.prometheus) {
          const write = await fetch(`${options.prometheus}/api/v1/write`, {
            method: 'POST',
            body: snappyLiteral(encodeWriteRequest(series)),
            headers: { 'Content-Encoding': 'snappy', 'Content-Type': 'application/x-protobuf', 'X-Prometheus-Remote-Write-Version': '0.1.0' },
          });
          if (write.status !== 204) stack.remoteWriteErrors.push(`${write.status} ${await write.text()}`);
        } else {
          forwarded.push(...series);
        }
      }
    }
    return { status: 200, body: {} };
  });

  const tempo = await serve((_req, _body, url) => {
    const id = /^\/api\/traces\/([0-9a-f]+)$/.exec(url.pathname)?.[1];
    const batches = stack.traces.flatMap((t) => t.resourceSpans)
      .filter((rs) => rs.scopeSpans.some((ss) => ss.spans.some((s) => s.traceId === id)));
    if (options.tempoNever || batches.length === 0) return { status: 404, body: 'trace not found' };
    return { status: 200, body: { batches } };
  });

  const prometheus = options.prometheus ?? await serve((_req, _body, url) => {
    if (url.pathname !== '/api/v1/query') return { status: 404, body: 'not found' };
    const m = /^(\w+)\{smoke_run_id="([^"]*)"\}$/.exec(url.searchParams.get('query') ?? '');
    if (!m) return { status: 400, body: { status: 'error', errorType: 'bad_data', error: 'unexpected query' } };
    const result = forwarded.filter((s) => s.labels.__name__ === m[1] && s.labels.smoke_run_id === m[2])
      .map((s) => ({ metric: s.labels, value: [Date.now() / 1000, String(s.samples[0].value)] }));
    return { status: 200, body: { status: 'success', data: { resultType: 'vector', result } } };
  });

  const loki = await serve((req, _body, url) => {
    if (url.pathname !== '/loki/api/v1/query_range') return { status: 404, body: 'not found' };
    const tenant = req.headers['x-scope-orgid'] as string | undefined;
    stack.lokiTenants.push(tenant);
    if (options.lokiTenant !== undefined && tenant !== options.lokiTenant) return { status: 401, body: 'no org id' };
    const empty = { status: 'success', data: { resultType: 'streams', result: [] as unknown[] } };
    const m = /^\{service_name="([^"]*)"\} \|= "([^"]*)"$/.exec(url.searchParams.get('query') ?? '');
    if (!m) return { status: 400, body: 'parse error' };
    const start = BigInt(url.searchParams.get('start') ?? '0');
    const end = BigInt(url.searchParams.get('end') ?? '0');
    if (options.lokiEmpty) return { status: 200, body: empty };
    const values = stack.logs.flatMap((l) => l.resourceLogs)
      .filter((rl) => attribute(rl.resource.attributes, 'service.name') === m[1])
      .flatMap((rl) => rl.scopeLogs.flatMap((sl) => sl.logRecords))
      .filter((r) => r.body.stringValue.includes(m[2]) && BigInt(r.timeUnixNano) >= start && BigInt(r.timeUnixNano) <= end)
      .map((r) => [r.timeUnixNano, r.body.stringValue]);
    if (values.length === 0) return { status: 200, body: empty };
    return { status: 200, body: { status: 'success', data: { resultType: 'streams', result: [{ stream: { service_name: m[1] }, values }] } } };
  });

  Object.assign(stack.env, { OTLP_HTTP_ENDPOINT: alloy, TEMPO_URL: tempo, PROMETHEUS_URL: prometheus, LOKI_URL: loki });
  return stack;
}

// ---- the script ------------------------------------------------------------------------

let dir: string;
let script: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-alloy-smoke-'));
  script = path.join(dir, 'smoke.js');
  fs.writeFileSync(script, SMOKE_SCRIPT);
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

interface Run { code: number | null; stdout: string; stderr: string; lines: string[]; seconds: number }

function runSmoke(env: Record<string, string | undefined>): Promise<Run> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script], { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => { stdout += c.toString(); });
    child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
    const guard = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(guard);
      resolve({ code, stdout, stderr, lines: stdout.split('\n').filter((l) => l !== ''), seconds: (Date.now() - started) / 1000 });
    });
  });
}

const FAST = { SMOKE_TIMEOUT_SECONDS: '10', SMOKE_INTERVAL_SECONDS: '0.2' };
const FAILING = { SMOKE_TIMEOUT_SECONDS: '2.5', SMOKE_INTERVAL_SECONDS: '0.2' };

const HEADER = /^smoke run ([0-9a-f]{16}|[a-z0-9-]+): trace ([0-9a-f]{32})$/;
const PASS_TRACES = /^PASS VAL-SPC-001 traces: trace [0-9a-f]{32} found in Tempo after \d+\.\ds$/;
const PASS_METRICS = /^PASS VAL-SPC-002 metrics: series cdk8s_alloy_smoke\{smoke_run_id="[a-z0-9-]+"\} found in Prometheus after \d+\.\ds$/;
const PASS_LOGS = /^PASS VAL-SPC-003 logs: log line of run [a-z0-9-]+ found in Loki after \d+\.\ds$/;

// ---- the real prometheus ---------------------------------------------------------------

let prometheus: ChildProcess | undefined;
let prometheusUrl = '';
let prometheusHome: string | undefined;

async function startPrometheus(): Promise<void> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-alloy-smoke-prometheus-'));
  prometheusHome = home;
  fs.writeFileSync(path.join(home, 'prometheus.yml'), 'global: {}\n');
  let log = '';
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = 19600 + Math.floor(Math.random() * 400);
    prometheus = spawn('prometheus', [
      `--config.file=${path.join(home, 'prometheus.yml')}`,
      `--storage.tsdb.path=${path.join(home, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--web.enable-remote-write-receiver',
    ], { stdio: ['ignore', 'ignore', 'pipe'] });
    prometheus.stderr?.on('data', (c: Buffer) => { log += c.toString(); });
    prometheusUrl = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 30_000;
    while (prometheus.exitCode === null && Date.now() < deadline) {
      try {
        if ((await fetch(`${prometheusUrl}/-/ready`)).ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    // most likely the port was taken: try another
    if (prometheus.exitCode === null) prometheus.kill('SIGKILL');
  }
  throw new Error(`prometheus did not become ready: ${log.slice(-2000)}`);
}

describe('the smoke script against the real prometheus', () => {
  beforeAll(async () => {
    if (havePrometheus) await startPrometheus();
  }, 120_000);
  afterAll(async () => {
    if (prometheus?.pid !== undefined && prometheus.exitCode === null) {
      const exited = new Promise((r) => prometheus!.once('exit', r));
      process.kill(prometheus.pid, 'SIGTERM');
      await exited;
    }
    if (prometheusHome) fs.rmSync(prometheusHome, { recursive: true, force: true });
  });

  (havePrometheus ? test : test.skip)('all three signals arrive: exit 0, three PASS lines in order, well-formed OTLP/JSON', async () => {
    const stack = await startStack({ prometheus: prometheusUrl });
    const run = await runSmoke({ ...stack.env, ...FAST });
    expect(run.stderr).toBe('');
    expect(run.lines).toEqual([expect.stringMatching(HEADER), expect.stringMatching(PASS_TRACES), expect.stringMatching(PASS_METRICS), expect.stringMatching(PASS_LOGS)]);
    expect(run.code).toBe(0);
    expect(stack.remoteWriteErrors).toEqual([]);
    const [, runId, traceId] = HEADER.exec(run.lines[0])!;
    expect(run.lines[1]).toContain(`trace ${traceId} `);

    // every request is OTLP/HTTP JSON, sent once
    expect(stack.contentTypes).toEqual(['application/json', 'application/json', 'application/json']);
    expect([stack.traces.length, stack.metrics.length, stack.logs.length]).toEqual([1, 1, 1]);
    const resources = [stack.traces[0].resourceSpans[0], stack.metrics[0].resourceMetrics[0], stack.logs[0].resourceLogs[0]].map((r) => r.resource);
    for (const resource of resources) {
      expect(attribute(resource.attributes, 'service.name')).toBe(SMOKE_SERVICE_NAME);
      expect(attribute(resource.attributes, 'smoke.run_id')).toBe(runId);
    }

    const span = stack.traces[0].resourceSpans[0].scopeSpans[0].spans[0];
    expect(span).toMatchObject({ traceId, name: SMOKE_SERVICE_NAME, kind: 2 });
    expect(span.spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(span.startTimeUnixNano).toMatch(/^\d{19}$/);
    expect(span.endTimeUnixNano).toMatch(/^\d{19}$/);
    expect(Math.abs(Number(BigInt(span.startTimeUnixNano) / 1_000_000n) - Date.now())).toBeLessThan(60_000);
    expect(attribute(span.attributes, 'smoke.run_id')).toBe(runId);

    const metric = stack.metrics[0].resourceMetrics[0].scopeMetrics[0].metrics[0];
    expect(metric.name).toBe(SMOKE_METRIC);
    expect(metric.gauge!.dataPoints).toHaveLength(1);
    expect(metric.gauge!.dataPoints[0]).toMatchObject({ asDouble: 1, timeUnixNano: expect.stringMatching(/^\d{19}$/) });
    expect(attribute(metric.gauge!.dataPoints[0].attributes, 'smoke_run_id')).toBe(runId);

    const log = stack.logs[0].resourceLogs[0].scopeLogs[0].logRecords[0];
    expect(log).toMatchObject({ severityText: 'INFO', severityNumber: 9, traceId, spanId: span.spanId, body: { stringValue: `cdk8s-alloy smoke test ${runId}` } });
    expect(log.timeUnixNano).toMatch(/^\d{19}$/);
    // no tenant configured, none sent
    expect(stack.lokiTenants.every((t) => t === undefined)).toBe(true);

    // and the series really is in prometheus, labelled as Alloy's exporter would
    const q = await (await fetch(`${prometheusUrl}/api/v1/query?query=${encodeURIComponent(`${SMOKE_METRIC}{smoke_run_id="${runId}"}`)}`)).json() as { data: { result: Array<{ metric: Record<string, string> }> } };
    expect(q.data.result.map((r) => r.metric)).toEqual([{ __name__: SMOKE_METRIC, job: SMOKE_SERVICE_NAME, smoke_run_id: runId }]);
  });

  (havePrometheus ? test : test.skip)('the metric never reaches prometheus: exit 1, FAIL VAL-SPC-002, the other two PASS', async () => {
    const stack = await startStack({ prometheus: prometheusUrl, dropMetrics: true });
    const run = await runSmoke({ ...stack.env, ...FAILING });
    expect(run.lines).toEqual([
      expect.stringMatching(HEADER),
      expect.stringMatching(PASS_TRACES),
      expect.stringMatching(/^FAIL VAL-SPC-002 metrics: Prometheus has no series cdk8s_alloy_smoke\{smoke_run_id="[0-9a-f]{16}"\} \(after \d+\.\ds\)$/),
      expect.stringMatching(PASS_LOGS),
    ]);
    expect(run.code).toBe(1);
    // Alloy did get it: the failure is Prometheus' side
    expect(stack.metrics).toHaveLength(1);
    // it polled until the timeout, and no longer
    expect(run.seconds).toBeGreaterThanOrEqual(2.5);
    expect(run.seconds).toBeLessThan(5.5);
  });
});

describe('the smoke script against fake backends', () => {
  test('Tempo answers 404 forever and Loki finds nothing: FAIL VAL-SPC-001 and VAL-SPC-003 with the last reason', async () => {
    const stack = await startStack({ tempoNever: true, lokiEmpty: true });
    const run = await runSmoke({ ...stack.env, ...FAILING });
    const [, runId, traceId] = HEADER.exec(run.lines[0]) ?? [];
    expect(run.lines).toEqual([
      expect.stringMatching(HEADER),
      `FAIL VAL-SPC-001 traces: Tempo has no trace ${traceId} (HTTP 404 from ${stack.env.TEMPO_URL}/api/traces/${traceId}) (after ${run.lines[1]?.match(/after (\d+\.\d)s\)$/)?.[1]}s)`,
      expect.stringMatching(PASS_METRICS),
      `FAIL VAL-SPC-003 logs: Loki has no line for {service_name="${SMOKE_SERVICE_NAME}"} |= "${runId}" (after ${run.lines[3]?.match(/after (\d+\.\d)s\)$/)?.[1]}s)`,
    ]);
    expect(Number(/after (\d+\.\d)s/.exec(run.lines[1])![1])).toBeGreaterThanOrEqual(2.5);
    expect(run.code).toBe(1);
    expect(run.seconds).toBeLessThan(5.5);
  });

  test('Alloy answers 503 twice before accepting: the sends are retried and every check passes', async () => {
    const stack = await startStack({ rejectFirst: 2 });
    const run = await runSmoke({ ...stack.env, ...FAST });
    expect(run.lines).toEqual([expect.stringMatching(HEADER), expect.stringMatching(PASS_TRACES), expect.stringMatching(PASS_METRICS), expect.stringMatching(PASS_LOGS)]);
    expect(run.code).toBe(0);
    expect(stack.answers).toEqual({ '/v1/traces': [503, 503, 200], '/v1/metrics': [503, 503, 200], '/v1/logs': [503, 503, 200] });
  });

  test('Alloy never accepts: each check fails with the send error', async () => {
    const stack = await startStack({ rejectFirst: Infinity });
    const run = await runSmoke({ ...stack.env, SMOKE_TIMEOUT_SECONDS: '2', SMOKE_INTERVAL_SECONDS: '0.2' });
    expect(run.lines.slice(1)).toEqual(['traces', 'metrics', 'logs'].map((signal, i) => expect.stringMatching(new RegExp(
      `^FAIL VAL-SPC-00${i + 1} ${signal}: could not send ${signal} to Alloy: HTTP 503 from http://127\\.0\\.0\\.1:\\d+/v1/${signal}: starting \\(after \\d+\\.\\ds\\)$`))));
    expect(run.code).toBe(1);
    expect(stack.traces).toEqual([]);
  });

  test('LOKI_TENANT is sent to Loki as X-Scope-OrgID, and SMOKE_RUN_ID names the run', async () => {
    const stack = await startStack({ lokiTenant: 'team-a' });
    const run = await runSmoke({ ...stack.env, ...FAST, LOKI_TENANT: 'team-a', SMOKE_RUN_ID: 'ci-run-42' });
    expect(run.lines[0]).toMatch(/^smoke run ci-run-42: trace [0-9a-f]{32}$/);
    expect(run.lines[3]).toMatch(PASS_LOGS);
    expect(run.code).toBe(0);
    expect(stack.lokiTenants.length).toBeGreaterThan(0);
    expect(new Set(stack.lokiTenants)).toEqual(new Set(['team-a']));
    expect(stack.logs[0].resourceLogs[0].scopeLogs[0].logRecords[0].body.stringValue).toBe('cdk8s-alloy smoke test ci-run-42');
  });

  test('without LOKI_TENANT a multi-tenant Loki refuses the query and VAL-SPC-003 says so', async () => {
    const stack = await startStack({ lokiTenant: 'team-a' });
    const run = await runSmoke({ ...stack.env, SMOKE_TIMEOUT_SECONDS: '2', SMOKE_INTERVAL_SECONDS: '0.2' });
    expect(run.lines[3]).toMatch(/^FAIL VAL-SPC-003 logs: HTTP 401 from http:\/\/127\.0\.0\.1:\d+\/loki\/api\/v1\/query_range\?\S+: no org id \(after \d+\.\ds\)$/);
    expect(run.code).toBe(1);
  });
});

describe('the smoke script refuses bad configuration before sending anything', () => {
  test('a missing TEMPO_URL: exit 2 and the error names it', async () => {
    const stack = await startStack();
    const { TEMPO_URL: _omitted, ...env } = stack.env;
    const run = await runSmoke({ ...env, ...FAST });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe('ERROR TEMPO_URL is not set, got (unset); set it to the base URL of Tempo\'s HTTP API, e.g. http://tempo:3200\n');
    expect(stack.answers).toEqual({});
  });

  test.each([
    ['SMOKE_RUN_ID', 'not valid!', /^ERROR SMOKE_RUN_ID must be 1 to 64 letters, digits or dashes, got "not valid!"; /],
    ['SMOKE_RUN_ID', 'x'.repeat(65), /^ERROR SMOKE_RUN_ID .*, got "x{65}"; /],
    ['SMOKE_TIMEOUT_SECONDS', 'soon', /^ERROR SMOKE_TIMEOUT_SECONDS is not a positive number of seconds, got "soon"; /],
    ['SMOKE_INTERVAL_SECONDS', '0', /^ERROR SMOKE_INTERVAL_SECONDS is not a positive number of seconds, got "0"; /],
    ['OTLP_HTTP_ENDPOINT', 'alloy:4318', /^ERROR OTLP_HTTP_ENDPOINT is not an http\(s\) URL, got "alloy:4318"; set it to .* e\.g\. http:\/\/alloy:4318$/],
  ])('%s=%j: exit 2', async (name, value, message) => {
    const stack = await startStack();
    const run = await runSmoke({ ...stack.env, ...FAST, [name]: value });
    expect(run.code).toBe(2);
    expect(run.stderr.trimEnd()).toMatch(message);
    expect(run.stdout).toBe('');
    expect(stack.answers).toEqual({});
  });
});

describe('the script text', () => {
  test('has no backtick and no ${, so the TypeScript literal is the script verbatim', () => {
    expect(SMOKE_SCRIPT).not.toContain('`');
    expect(SMOKE_SCRIPT).not.toContain('${');
    expect(SMOKE_SCRIPT).not.toContain('\r');
  });

  test('node --check accepts it', () => {
    const r = spawnSync(process.execPath, ['--check', script], { encoding: 'utf-8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  test('uses the exported names and checks', () => {
    expect(SMOKE_SCRIPT).toContain(`const SERVICE_NAME = '${SMOKE_SERVICE_NAME}';`);
    expect(SMOKE_SCRIPT).toContain(`const METRIC = '${SMOKE_METRIC}';`);
    const order = SMOKE_CHECKS.map((c) => `{ id: '${c.id}', signal: '${c.signal}'`);
    const at = order.map((s) => SMOKE_SCRIPT.indexOf(s));
    expect(at.every((i) => i > 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(SMOKE_CHECKS.map((c) => [c.id, c.signal])).toEqual([['VAL-SPC-001', 'traces'], ['VAL-SPC-002', 'metrics'], ['VAL-SPC-003', 'logs']]);
  });

  test('is a CommonJS module whose pieces can be required without running it', () => {
    const mod = require(script) as { main: unknown; buildPayloads: (ids: object, t: string) => { traces: Traces }; readConfig: (env: object) => { error?: string } };
    expect(typeof mod.main).toBe('function');
    const payloads = mod.buildPayloads({ runId: 'r1', traceId: 'a'.repeat(32), spanId: 'b'.repeat(16) }, '1700000000000000000');
    expect(payloads.traces.resourceSpans[0].scopeSpans[0].spans[0]).toMatchObject({ traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), startTimeUnixNano: '1700000000000000000' });
    expect(mod.readConfig({}).error).toMatch(/^OTLP_HTTP_ENDPOINT is not set/);
  });
});
