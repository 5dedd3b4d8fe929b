/**
 * Parses a config.alloy of a few megabytes, and formats the parsed file as `alloy fmt` does,
 * and prints the milliseconds of each of several runs of each as JSON, with the file's size. The file is every collector's config.alloy in dist/prod,
 * repeated with every component's label (and every reference to it) renamed per copy, so it
 * is one valid config, as large as a big fleet's.
 *
 *   node parse.js <megabytes> <runs>
 */
import * as fs from 'fs';
import * as path from 'path';
import { formatFile, parseFile } from '../lib/alloy/syntax';

/** A valid config of at least `bytes` bytes, built from the configs in dist/prod. */
export function bigConfig(root: string, bytes: number): string {
  const dir = path.join(root, 'dist', 'prod');
  const sources = fs.readdirSync(dir).sort()
    .map((d) => path.join(dir, d, 'config.alloy'))
    .filter((f) => fs.existsSync(f))
    .map((f) => fs.readFileSync(f, 'utf-8'));
  const parts: string[] = [];
  let size = 0;
  for (let copy = 0; size < bytes; copy++) {
    for (const source of sources) {
      let text = source;
      for (const [, name, label] of source.matchAll(/^([a-z_.]+) "(\w+)" \{/gm)) {
        const renamed = `${label}_${copy}`;
        text = text.split(`${name} "${label}" {`).join(`${name} "${renamed}" {`).split(`${name}.${label}.`).join(`${name}.${renamed}.`);
      }
      // the singleton blocks (logging, tracing, ...) may stand once only
      if (copy > 0 || parts.length > 0) {
        text = text.replace(/^(logging|tracing|livedebugging|http) \{\n[\s\S]*?^\}\n\n?/gm, '');
      }
      parts.push(text);
      size += Buffer.byteLength(text);
    }
  }
  return parts.join('\n');
}

if (require.main === module) {
  const megabytes = Number(process.argv[2] ?? 4);
  const runs = Number(process.argv[3] ?? 5);
  // the repository: bench/ from source, bench/.build/bench/ compiled
  let root = __dirname;
  while (!fs.existsSync(path.join(root, 'package.json'))) {
    root = path.dirname(root);
  }
  const text = bigConfig(root, megabytes * 2 ** 20);
  const times: number[] = [];
  const formatTimes: number[] = [];
  for (let r = 0; r < runs + 1; r++) {
    const start = process.hrtime.bigint();
    const { file, diagnostics } = parseFile(text, 'big.alloy');
    const parsed = process.hrtime.bigint();
    if (diagnostics.length > 0) throw new Error(`the generated file does not parse: ${diagnostics[0].message}`);
    const formatted = formatFile(file);
    const ms = Number(parsed - start) / 1e6;
    const formatMs = Number(process.hrtime.bigint() - parsed) / 1e6;
    if (formatted !== text) throw new Error('the generated file is canonical, but formats to other text');
    if (r > 0) { // the first run warms up
      times.push(ms);
      formatTimes.push(formatMs);
    }
  }
  console.log(JSON.stringify({ bytes: Buffer.byteLength(text), lines: text.split('\n').length, ms: times, formatMs: formatTimes }));
}
