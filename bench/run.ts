/**
 * npm run bench: measures, in one run and against a floor measured in the same run, how long
 * synthesis takes (node on compiled JS, the cdk8s CLI, the fast path), how rendering grows
 * with the number of components, how long parsing a config.alloy of a few megabytes takes, and
 * how long `npm test` takes. Prints a table with medians,
 * min/max and peak memory, and writes bench/results/v<version>.json.
 *
 *   npm run bench               # everything
 *   npm run bench -- --no-test  # without the npm test run
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const root = path.join(__dirname, '..');
const RUNS = 5;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-alloy-bench-'));
const withTests = !process.argv.includes('--no-test');

interface Row { name: string; seconds: number[]; peakMb: number[] }

/** Runs `cmd` once under GNU time: wall seconds and peak resident memory. */
function timed(cmd: string[], env: Record<string, string> = {}): { seconds: number; peakMb: number } {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M', ...cmd], { cwd: root, encoding: 'utf-8', env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false', ...env } });
  if (r.status !== 0) throw new Error(`${cmd.join(' ')} failed:\n${r.stdout}\n${r.stderr}`);
  const [seconds, kb] = r.stderr.trim().split('\n').pop()!.split(' ').map(Number);
  return { seconds, peakMb: kb / 1024 };
}

function measure(name: string, cmd: string[], env: Record<string, string> = {}, runs = RUNS): Row {
  timed(cmd, env); // warm-up: caches, and the fast path's bundle
  const results = Array.from({ length: runs }, () => timed(cmd, env));
  return { name, seconds: results.map((r) => r.seconds), peakMb: results.map((r) => r.peakMb) };
}

const median = (xs: number[]): number => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };

console.log('compiling the apps (tsc, bench/tsconfig.json) ...');
const build = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(root, 'bench', 'tsconfig.json')], { encoding: 'utf-8' });
if (build.status !== 0) throw new Error(build.stdout + build.stderr);
const compiled = path.join(root, 'bench', '.build');

const rows: Row[] = [];
rows.push(measure('floor: cdk8s-plus-28 hello app (node, compiled JS)', [process.execPath, path.join(compiled, 'bench', 'floor', 'app.js')], { CDK8S_OUTDIR: path.join(tmp, 'floor') }));
rows.push(measure('default stack, every environment + argocd (node, compiled JS)', [process.execPath, path.join(compiled, 'main.js')], { CDK8S_OUTDIR: path.join(tmp, 'app') }));
rows.push(measure('npx cdk8s synth', ['npx', 'cdk8s', 'synth', '--output', path.join(tmp, 'cli')]));
rows.push(measure('npm run synth (fast path)', ['npm', 'run', '--silent', 'synth', '--', path.join(tmp, 'fast')]));

const render: Array<{ components: number; ms: number[] }> = [];
for (const n of [100, 1000, 10000]) {
  const r = spawnSync(process.execPath, [path.join(compiled, 'bench', 'render.js'), String(n), String(RUNS)], { encoding: 'utf-8' });
  if (r.status !== 0) throw new Error(r.stderr);
  render.push({ components: n, ms: JSON.parse(r.stdout) });
}
const parseRun = spawnSync(process.execPath, [path.join(compiled, 'bench', 'parse.js'), '4', String(RUNS)], { encoding: 'utf-8' });
if (parseRun.status !== 0) throw new Error(parseRun.stderr);
const parse = JSON.parse(parseRun.stdout) as { bytes: number; lines: number; ms: number[]; formatMs: number[] };
if (withTests) {
  console.log('running npm test once ...');
  rows.push(measure('npm test', ['npm', 'test', '--silent'], { CI: 'true' }, 1));
}

const floor = median(rows[0].seconds);
const pad = (s: string, n: number) => s.padEnd(n);
console.log(`\n${pad('measurement', 52)} ${pad('median', 9)} ${pad('min', 8)} ${pad('max', 8)} ${pad('peak MB', 8)} x floor`);
for (const r of rows) {
  const m = median(r.seconds);
  console.log(`${pad(r.name, 52)} ${pad(`${m.toFixed(2)} s`, 9)} ${pad(Math.min(...r.seconds).toFixed(2), 8)} ${pad(Math.max(...r.seconds).toFixed(2), 8)} ${pad(Math.max(...r.peakMb).toFixed(0), 8)} ${(m / floor).toFixed(2)}`);
}
console.log(`\n${pad('AlloyConfig.render alone', 52)} median (ms)  x previous size`);
render.forEach((r, i) => {
  const m = median(r.ms);
  const growth = i === 0 ? '' : (m / median(render[i - 1].ms)).toFixed(1);
  console.log(`${pad(`${r.components} components`, 52)} ${pad(m.toFixed(1), 12)} ${growth}`);
});

console.log(`\n${pad(`parseFile, a ${(parse.bytes / 2 ** 20).toFixed(1)} MB config.alloy (${parse.lines} lines)`, 52)} median ${median(parse.ms).toFixed(1)} ms, min ${Math.min(...parse.ms).toFixed(1)}, max ${Math.max(...parse.ms).toFixed(1)}`);
console.log(`${pad('formatFile of the parsed file (alloy fmt)', 52)} median ${median(parse.formatMs).toFixed(1)} ms, min ${Math.min(...parse.formatMs).toFixed(1)}, max ${Math.max(...parse.formatMs).toFixed(1)}`);

// the roadmap's targets (issue 8), each checked against this run
const row = (prefix: string) => rows.find((r) => r.name.startsWith(prefix));
const renderMs = (n: number) => median(render.find((r) => r.components === n)!.ms);
const targets: Array<{ target: string; measured: string; holds: boolean }> = [];
const check = (target: string, measured: number, limit: number, unit: string) =>
  targets.push({ target, measured: `${measured.toFixed(2)}${unit}`, holds: measured <= limit });
check('default stack, app alone: at most 1.3x the floor', median(row('default stack')!.seconds) / floor, 1.3, 'x');
check('npm run synth: at most 1.0 s', median(row('npm run synth')!.seconds), 1.0, ' s');
check('npx cdk8s synth: at most 2.5 s', median(row('npx cdk8s synth')!.seconds), 2.5, ' s');
check('10,000 components render in at most 1 s', renderMs(10000) / 1000, 1.0, ' s');
check('10x the components (100 -> 1,000) costs at most 12x', renderMs(1000) / renderMs(100), 12, 'x');
check('10x the components (1,000 -> 10,000) costs at most 12x', renderMs(10000) / renderMs(1000), 12, 'x');
check('a 4 MB config.alloy parses in at most 0.5 s', median(parse.ms) / 1000, 0.5, ' s');
const tests = row('npm test');
if (tests) check('npm test: at most 90 s', median(tests.seconds), 90, ' s');
console.log(`\n${pad('target', 58)} ${pad('measured', 10)} holds`);
for (const t of targets) console.log(`${pad(t.target, 58)} ${pad(t.measured, 10)} ${t.holds ? 'yes' : 'NO'}`);

const version = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf-8')).version;
const result = {
  version,
  date: new Date().toISOString().slice(0, 10),
  machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memoryGb: Math.round(os.totalmem() / 2 ** 30), node: process.version },
  runs: RUNS,
  floorSeconds: floor,
  measurements: rows.map((r) => ({ name: r.name, medianSeconds: median(r.seconds), minSeconds: Math.min(...r.seconds), maxSeconds: Math.max(...r.seconds), peakMb: Math.round(Math.max(...r.peakMb)), ratioToFloor: Number((median(r.seconds) / floor).toFixed(2)) })),
  render: render.map((r) => ({ components: r.components, medianMs: Number(median(r.ms).toFixed(1)), minMs: Number(Math.min(...r.ms).toFixed(1)), maxMs: Number(Math.max(...r.ms).toFixed(1)) })),
  parse: { bytes: parse.bytes, lines: parse.lines, medianMs: Number(median(parse.ms).toFixed(1)), minMs: Number(Math.min(...parse.ms).toFixed(1)), maxMs: Number(Math.max(...parse.ms).toFixed(1)) },
  format: { medianMs: Number(median(parse.formatMs).toFixed(1)), minMs: Number(Math.min(...parse.formatMs).toFixed(1)), maxMs: Number(Math.max(...parse.formatMs).toFixed(1)) },
  targets,
};
fs.mkdirSync(path.join(root, 'bench', 'results'), { recursive: true });
const file = path.join(root, 'bench', 'results', `v${version}.json`);
fs.writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
console.log(`\nwrote ${path.relative(root, file)}`);
fs.rmSync(tmp, { recursive: true, force: true });
