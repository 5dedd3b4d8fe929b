// cdk8s-alloy smoke test: sends one span, one gauge sample and one log line to Alloy over
// OTLP/HTTP JSON, then polls Tempo, Prometheus and Loki until each shows its signal or
// SMOKE_TIMEOUT_SECONDS runs out. Node.js 20, no dependencies.
// Generated from lib/smoke/script.ts in cdk8s-alloy; edit it there.
//
// Exit codes: 0 every check passed, 1 a check failed, 2 the configuration is wrong.
'use strict';

const crypto = require('crypto');

const SERVICE_NAME = 'cdk8s-alloy-smoke';
const METRIC = 'cdk8s_alloy_smoke';
const RUN_ID_PATTERN = /^[a-z0-9-]{1,64}$/i;
// A single request never waits longer than this, nor past the deadline (but at least MIN).
const REQUEST_TIMEOUT_MS = 10000;
const MIN_REQUEST_TIMEOUT_MS = 250;

// ---- configuration --------------------------------------------------------------------

const URL_VARIABLES = [
  ['OTLP_HTTP_ENDPOINT', 'otlp', 'Alloy\'s OTLP/HTTP receiver', 'http://alloy:4318'],
  ['TEMPO_URL', 'tempo', 'Tempo\'s HTTP API', 'http://tempo:3200'],
  ['PROMETHEUS_URL', 'prometheus', 'Prometheus\' HTTP API', 'http://prometheus:9090'],
  ['LOKI_URL', 'loki', 'Loki\'s HTTP API', 'http://loki:3100'],
];

const show = (value) => (value === undefined ? '(unset)' : JSON.stringify(value));

function isHttpUrl(value) {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch (err) {
    return false;
  }
}

// Seconds (fractions allowed) to milliseconds, or undefined when not a positive number.
function positiveSeconds(value) {
  const n = Number(value);
  return /^\s*[0-9.]+\s*$/.test(value) && Number.isFinite(n) && n > 0 ? Math.round(n * 1000) : undefined;
}

// Returns { config } or { error: '<what is wrong>, got <value>; <how to fix>' }; never throws.
function readConfig(env) {
  const config = {};
  for (const [name, key, what, example] of URL_VARIABLES) {
    const value = env[name];
    if (value === undefined || value === '') {
      return { error: name + ' is not set, got ' + show(value) + '; set it to the base URL of ' + what + ', e.g. ' + example };
    }
    if (!isHttpUrl(value)) {
      return { error: name + ' is not an http(s) URL, got ' + show(value) + '; set it to the base URL of ' + what + ', e.g. ' + example };
    }
    config[key] = value.replace(/\/+$/, '');
  }
  const numbers = [['SMOKE_TIMEOUT_SECONDS', 'timeoutMs', '180'], ['SMOKE_INTERVAL_SECONDS', 'intervalMs', '5']];
  for (const [name, key, fallback] of numbers) {
    const value = env[name] === undefined || env[name] === '' ? fallback : env[name];
    const ms = positiveSeconds(value);
    if (ms === undefined) {
      return { error: name + ' is not a positive number of seconds, got ' + show(env[name]) + '; set it to e.g. ' + fallback + ' or unset it' };
    }
    config[key] = ms;
  }
  const runId = env.SMOKE_RUN_ID;
  if (runId !== undefined && runId !== '' && !RUN_ID_PATTERN.test(runId)) {
    return { error: 'SMOKE_RUN_ID must be 1 to 64 letters, digits or dashes, got ' + show(runId) + '; fix it or unset it for a random id' };
  }
  config.runId = runId || undefined;
  config.lokiTenant = env.LOKI_TENANT || undefined;
  return { config };
}

// ---- payloads -------------------------------------------------------------------------

// The run id (given or 16 random hex chars), a 32-hex trace id and a 16-hex span id.
function newIds(runId) {
  return {
    runId: runId || crypto.randomBytes(8).toString('hex'),
    traceId: crypto.randomBytes(16).toString('hex'),
    spanId: crypto.randomBytes(8).toString('hex'),
  };
}

const nowNanos = () => BigInt(Date.now()) * 1000000n;
const attr = (key, value) => ({ key: key, value: { stringValue: value } });

// The three OTLP/JSON request bodies; ids from newIds, timeUnixNano a decimal string.
function buildPayloads(ids, timeUnixNano) {
  const resource = { attributes: [attr('service.name', SERVICE_NAME), attr('smoke.run_id', ids.runId)] };
  const scope = { name: 'cdk8s-alloy/smoke' };
  const span = {
    traceId: ids.traceId,
    spanId: ids.spanId,
    name: SERVICE_NAME,
    kind: 2, // SPAN_KIND_SERVER
    startTimeUnixNano: timeUnixNano,
    endTimeUnixNano: timeUnixNano,
    attributes: [attr('smoke.run_id', ids.runId)],
  };
  const gauge = {
    name: METRIC,
    description: 'Set to 1 by each cdk8s-alloy smoke test run.',
    gauge: { dataPoints: [{ asDouble: 1, timeUnixNano: timeUnixNano, attributes: [attr('smoke_run_id', ids.runId)] }] },
  };
  const log = {
    timeUnixNano: timeUnixNano,
    severityNumber: 9, // SEVERITY_NUMBER_INFO
    severityText: 'INFO',
    body: { stringValue: 'cdk8s-alloy smoke test ' + ids.runId },
    traceId: ids.traceId,
    spanId: ids.spanId,
  };
  return {
    traces: { resourceSpans: [{ resource: resource, scopeSpans: [{ scope: scope, spans: [span] }] }] },
    metrics: { resourceMetrics: [{ resource: resource, scopeMetrics: [{ scope: scope, metrics: [gauge] }] }] },
    logs: { resourceLogs: [{ resource: resource, scopeLogs: [{ scope: scope, logRecords: [log] }] }] },
  };
}

// ---- HTTP -----------------------------------------------------------------------------

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

function describeError(err) {
  if (err && (err.name === 'TimeoutError' || err.name === 'AbortError')) return 'no answer in time';
  const cause = err && err.cause;
  return (cause && (cause.code || cause.message)) || (err && err.message) || String(err);
}

// One request, bounded by the deadline. Resolves to { ok, status, text, reason }; never throws.
async function request(url, init, deadline) {
  const timeout = Math.max(MIN_REQUEST_TIMEOUT_MS, Math.min(REQUEST_TIMEOUT_MS, deadline - Date.now()));
  try {
    const res = await fetch(url, Object.assign({}, init, { signal: AbortSignal.timeout(timeout) }));
    const text = await res.text();
    if (res.ok) return { ok: true, status: res.status, text: text };
    const detail = text.replace(/\s+/g, ' ').trim().slice(0, 200);
    return { ok: false, status: res.status, text: text, reason: 'HTTP ' + res.status + ' from ' + url + (detail ? ': ' + detail : '') };
  } catch (err) {
    return { ok: false, status: 0, text: '', reason: describeError(err) + ' from ' + url };
  }
}

function parseJson(res, backend) {
  try {
    return { body: JSON.parse(res.text) };
  } catch (err) {
    return { reason: backend + ' answered with something other than JSON: ' + res.text.slice(0, 200) };
  }
}

// Calls attempt() every interval until it resolves { ok: true } or the deadline passes, then
// resolves to its last result. attempt() always runs at least once.
async function retry(ctx, attempt) {
  for (;;) {
    const result = await attempt();
    if (result.ok || Date.now() >= ctx.deadline) return result;
    await sleep(Math.min(ctx.intervalMs, ctx.deadline - Date.now()));
  }
}

// ---- checks ---------------------------------------------------------------------------

const prometheusQuery = (runId) => METRIC + '{smoke_run_id="' + runId + '"}';
const lokiQuery = (runId) => '{service_name="' + SERVICE_NAME + '"} |= "' + runId + '"';

async function probeTempo(ctx) {
  const url = ctx.config.tempo + '/api/traces/' + ctx.ids.traceId;
  const res = await request(url, { headers: { Accept: 'application/json' } }, ctx.deadline);
  if (res.status === 404) return { ok: false, reason: 'Tempo has no trace ' + ctx.ids.traceId + ' (HTTP 404 from ' + url + ')' };
  if (!res.ok) return res;
  if (!/"name"\s*:\s*"cdk8s-alloy-smoke"/.test(res.text)) {
    return { ok: false, reason: 'Tempo returned trace ' + ctx.ids.traceId + ' without the span ' + SERVICE_NAME };
  }
  return { ok: true, found: 'trace ' + ctx.ids.traceId + ' found in Tempo' };
}

async function probePrometheus(ctx) {
  const query = prometheusQuery(ctx.ids.runId);
  const res = await request(ctx.config.prometheus + '/api/v1/query?query=' + encodeURIComponent(query), {}, ctx.deadline);
  if (!res.ok) return res;
  const parsed = parseJson(res, 'Prometheus');
  if (!parsed.body) return { ok: false, reason: parsed.reason };
  const body = parsed.body;
  if (body.status !== 'success') return { ok: false, reason: 'Prometheus query ' + query + ' failed: ' + body.error };
  if (!body.data || !Array.isArray(body.data.result) || body.data.result.length === 0) {
    return { ok: false, reason: 'Prometheus has no series ' + query };
  }
  return { ok: true, found: 'series ' + query + ' found in Prometheus' };
}

async function probeLoki(ctx) {
  const query = lokiQuery(ctx.ids.runId);
  const now = nowNanos();
  const url = ctx.config.loki + '/loki/api/v1/query_range?query=' + encodeURIComponent(query) +
    '&start=' + (now - 3600n * 1000000000n) + '&end=' + (now + 300n * 1000000000n) +
    '&limit=10&direction=backward';
  const headers = ctx.config.lokiTenant ? { 'X-Scope-OrgID': ctx.config.lokiTenant } : {};
  const res = await request(url, { headers: headers }, ctx.deadline);
  if (!res.ok) return res;
  const parsed = parseJson(res, 'Loki');
  if (!parsed.body) return { ok: false, reason: parsed.reason };
  const result = (parsed.body.data && parsed.body.data.result) || [];
  const found = Array.isArray(result) && result.some((stream) => Array.isArray(stream.values) &&
    stream.values.some((value) => String(value[1]).indexOf(ctx.ids.runId) !== -1));
  if (!found) return { ok: false, reason: 'Loki has no line for ' + query };
  return { ok: true, found: 'log line of run ' + ctx.ids.runId + ' found in Loki' };
}

// In the order they are printed; each sends its signal, then polls its backend.
const CHECKS = [
  { id: 'VAL-SPC-001', signal: 'traces', probe: probeTempo },
  { id: 'VAL-SPC-002', signal: 'metrics', probe: probePrometheus },
  { id: 'VAL-SPC-003', signal: 'logs', probe: probeLoki },
];

// Sends the check's payload (retrying: Alloy answers 429/503 while it starts), then polls.
async function runCheck(check, ctx) {
  const url = ctx.config.otlp + '/v1/' + check.signal;
  const init = { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(ctx.payloads[check.signal]) };
  const sent = await retry(ctx, () => request(url, init, ctx.deadline));
  const result = sent.ok
    ? await retry(ctx, () => check.probe(ctx))
    : { ok: false, reason: 'could not send ' + check.signal + ' to Alloy: ' + sent.reason };
  return Object.assign({ seconds: ((Date.now() - ctx.start) / 1000).toFixed(1) }, result);
}

function formatResult(check, result) {
  return result.ok
    ? 'PASS ' + check.id + ' ' + check.signal + ': ' + result.found + ' after ' + result.seconds + 's'
    : 'FAIL ' + check.id + ' ' + check.signal + ': ' + result.reason + ' (after ' + result.seconds + 's)';
}

// Runs the smoke test; resolves to the exit code. out.log is stdout, out.error stderr.
async function main(env = process.env, out = console) {
  const parsed = readConfig(env);
  if (parsed.error) {
    out.error('ERROR ' + parsed.error);
    return 2;
  }
  const config = parsed.config;
  const ids = newIds(config.runId);
  const start = Date.now();
  const ctx = {
    config: config,
    ids: ids,
    payloads: buildPayloads(ids, String(nowNanos())),
    start: start,
    deadline: start + config.timeoutMs,
    intervalMs: config.intervalMs,
  };
  out.log('smoke run ' + ids.runId + ': trace ' + ids.traceId);
  const results = await Promise.all(CHECKS.map((check) => runCheck(check, ctx)));
  CHECKS.forEach((check, i) => out.log(formatResult(check, results[i])));
  return results.every((result) => result.ok) ? 0 : 1;
}

if (require.main === module) {
  main().then((code) => process.exit(code), (err) => {
    console.error('ERROR the smoke test crashed, got ' + ((err && err.stack) || err) + '; report this as a bug');
    process.exit(1);
  });
}

module.exports = { main, readConfig, newIds, buildPayloads, prometheusQuery, lokiQuery, formatResult, CHECKS };
