/**
 * npm run bench:fsync: what `otelcol.storage.file`'s `fsync = true` would cost on this
 * machine's disk. Each queued request is one bbolt transaction when it is queued, one when it
 * is read and one when it is removed (the collector's persistent_queue.go), and a bbolt commit
 * with sync on flushes twice (data, then meta page). This measures a 4 KiB write followed by
 * fdatasync, the unit of that cost, in a file beside the project: median of 5 runs of 500.
 * Writes bench/results/fsync.json.
 *
 *   npm run bench:fsync
 */
import * as fs from 'fs';
import * as path from 'path';

const RUNS = 5;
const WRITES = 500;
const dir = fs.mkdtempSync(path.join(__dirname, '.fsync-'));
const median = (xs: number[]): number => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };

const page = Buffer.alloc(4096, 7);
const runs: number[] = [];
const noSync: number[] = [];
try {
  for (let r = 0; r < RUNS; r++) {
    for (const sync of [true, false]) {
      const file = path.join(dir, `q-${r}-${sync}`);
      const fd = fs.openSync(file, 'w');
      const start = process.hrtime.bigint();
      for (let i = 0; i < WRITES; i++) {
        fs.writeSync(fd, page, 0, page.length, i * page.length);
        if (sync) fs.fdatasyncSync(fd);
      }
      const us = Number(process.hrtime.bigint() - start) / 1e3 / WRITES;
      fs.closeSync(fd);
      (sync ? runs : noSync).push(us);
    }
  }
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
const perFlush = median(runs);
// three transactions per request, two flushes each
const perRequest = perFlush * 6;
const result = {
  date: new Date().toISOString(),
  machine: `${require('os').cpus().length} cores, ${process.platform}, node ${process.version}`,
  writeAndFdatasyncMicroseconds: { median: Math.round(perFlush), runs: runs.map(Math.round) },
  writeOnlyMicroseconds: { median: Math.round(median(noSync) * 10) / 10 },
  requestsPerSecondPerQueueWithFsync: Math.floor(1e6 / perRequest),
};
fs.writeFileSync(path.join(__dirname, 'results', 'fsync.json'), JSON.stringify(result, null, 2) + '\n');
console.log(`write + fdatasync of 4 KiB: median ${result.writeAndFdatasyncMicroseconds.median} µs (runs ${result.writeAndFdatasyncMicroseconds.runs.join(', ')}); ` +
  `write only: ${result.writeOnlyMicroseconds.median} µs`);
console.log(`with fsync, one queue takes at most ~${result.requestsPerSecondPerQueueWithFsync} requests/s (6 flushes each)`);
