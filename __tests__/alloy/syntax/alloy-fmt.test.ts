/**
 * Checks the printer against a real `alloy fmt` when one is available: set ALLOY_FMT to a
 * command that formats standard input (such as "alloy fmt"), or put `alloy` on the PATH.
 * Without one, the tests are skipped and say so; the golden files stand in for them.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { formatSource, printFile } from '../../../lib/alloy/syntax';
import { ObservabilityStack } from '../../../lib';
import { testApp } from '../../support/manifests';
import { randomStatements } from '../../support/random-alloy';

function findFormatter(): string[] | undefined {
  if (process.env.ALLOY_FMT) {
    return process.env.ALLOY_FMT.split(' ');
  }
  const probe = spawnSync('alloy', ['--version'], { encoding: 'utf-8' });
  return probe.status === 0 ? ['alloy', 'fmt'] : undefined;
}

const formatter = findFormatter();
const fmt = (text: string): string => execFileSync(formatter![0], formatter!.slice(1), { input: text, encoding: 'utf-8' });
const withFormatter = formatter ? test : test.skip;

if (!formatter) {
  // eslint-disable-next-line no-console
  console.warn('alloy fmt is not available (set ALLOY_FMT or put alloy on the PATH): the real-formatter checks are skipped');
}

describe('printer against a real alloy fmt', () => {
  withFormatter('every golden file is already in alloy fmt form', () => {
    const dirs = [
      ...['alloy/syntax/golden', 'alloy/golden', 'stack/golden', 'pipelines/golden'].map((d) => path.join(__dirname, '..', '..', d)),
      // every collector's config.alloy in dist/
      ...['dev', 'prod', 'large', 'compose'].flatMap((env) => {
        const envDir = path.join(__dirname, '..', '..', '..', 'dist', env);
        return fs.readdirSync(envDir).map((d) => path.join(envDir, d)).filter((d) => fs.existsSync(path.join(d, 'config.alloy')));
      }),
    ];
    for (const dir of dirs.filter((d) => fs.existsSync(d))) {
      for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.alloy'))) {
        const text = fs.readFileSync(path.join(dir, file), 'utf-8');
        expect({ file, text: fmt(text) }).toEqual({ file, text });
      }
    }
  });

  withFormatter('every collector of the stack, with every opt-in, is in alloy fmt form', () => {
    const stack = new ObservabilityStack(testApp(), 'observability', { nodeLogs: true, kubeStateMetrics: true, enrichment: { podLabels: ['app.kubernetes.io/version'] } });
    expect(stack.collectors.map((c) => c.name)).toEqual(['alloy', 'alloy-metrics', 'alloy-logs', 'alloy-node-logs']);
    for (const c of stack.collectors) {
      const text = c.config.render();
      expect({ collector: c.name, text: fmt(text) }).toEqual({ collector: c.name, text });
    }
  });

  withFormatter('500 random configs print exactly as alloy fmt prints them', () => {
    for (let seed = 1; seed <= 500; seed++) {
      const text = printFile(randomStatements(seed));
      expect({ seed, text: fmt(text) }).toEqual({ seed, text });
    }
  });

  withFormatter('the formatter (formatSource) prints every format case and hand-written config as alloy fmt does', () => {
    const root = path.join(__dirname, '..', '..');
    const inputs = [
      ...fs.readdirSync(path.join(__dirname, 'format')).filter((f) => f.endsWith('.in')).map((f) => path.join(__dirname, 'format', f)),
      ...fs.readdirSync(path.join(root, 'importer', 'corpus')).map((f) => path.join(root, 'importer', 'corpus', f)),
      path.join(root, 'alloy', 'check', 'fixtures', 'k8s-monitoring.alloy.txt'),
    ];
    expect(inputs.length).toBeGreaterThanOrEqual(25);
    for (const file of inputs) {
      const text = fs.readFileSync(file, 'utf-8');
      expect({ file, text: formatSource(text) }).toEqual({ file, text: fmt(text) });
    }
  });
});
