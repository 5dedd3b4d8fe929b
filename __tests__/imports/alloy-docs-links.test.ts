/**
 * Every generated class's doc comment links to its page in the Alloy reference of the pinned
 * version: https://grafana.com/docs/alloy/v1.18/reference/components/<folder>/<name>/, where
 * <folder> is the folder of Alloy's docs tree (docs/sources/reference/components/<folder>/<name>.md
 * at v1.18.1, listed in imports/alloy/docs-pages.json) that holds the page; and
 * .../reference/config-blocks/<name>/ for the configuration blocks.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { facts } from '../support/alloy-facts';
import * as generated from '../../imports/alloy';
import { AlloyComponent, AlloyConfigBlock } from '../../lib/alloy';
import { ComponentDefinition } from '../../lib/alloy/internal';

const root = path.join(__dirname, '..', '..');
const componentsDir = path.join(root, 'imports', 'alloy', 'components');
const docs = JSON.parse(fs.readFileSync(path.join(root, 'imports', 'alloy', 'docs-pages.json'), 'utf-8')) as { _source: string; commit: string; pages: string[] };
const factsSource = (JSON.parse(fs.readFileSync(path.join(root, 'imports', 'alloy', 'facts.json'), 'utf-8')) as { _source: string })._source;
const BASE = 'https://grafana.com/docs/alloy/v1.18/reference/';
const live = Object.keys(facts.components).filter((n) => !facts.components[n].removed).sort();
const CONFIG_BLOCKS = ['http', 'livedebugging', 'logging', 'tracing'];

/** Alloy's name of each generated class, by class name; and whether it is a configuration block. */
const alloyName = new Map<string, { name: string; configBlock: boolean }>();
for (const value of Object.values(generated)) {
  const def = (value as { DEFINITION?: ComponentDefinition }).DEFINITION;
  const proto = (value as { prototype?: object }).prototype;
  if (def === undefined || proto === undefined) continue;
  if (proto instanceof AlloyComponent) alloyName.set((value as { name: string }).name, { name: def.name, configBlock: false });
  else if (proto instanceof AlloyConfigBlock) alloyName.set((value as { name: string }).name, { name: def.name, configBlock: true });
}

/** The URLs of the `{@link ...}`s in the `@see` tags of the doc comment of each exported class of a file. */
function seeLinks(file: string): Map<string, string[]> {
  const sf = ts.createSourceFile(file, fs.readFileSync(file, 'utf-8'), ts.ScriptTarget.ES2022, true);
  const result = new Map<string, string[]>();
  for (const st of sf.statements) {
    if (!ts.isClassDeclaration(st) || st.name === undefined) continue;
    const urls: string[] = [];
    for (const tag of ts.getJSDocTags(st)) {
      if (tag.tagName.text !== 'see' || typeof tag.comment === 'string' || tag.comment === undefined) continue;
      for (const part of tag.comment) {
        if (ts.isJSDocLink(part)) urls.push(part.getText().replace(/^\{@link\s+/, '').replace(/\}$/, ''));
      }
    }
    result.set(st.name.text, urls);
  }
  return result;
}

/** The docs folder of each component's page, from the docs tree. */
function folderOf(name: string): string[] {
  return docs.pages
    .map((p) => /^reference\/components\/([^/]+)\/([^/]+)\.md$/.exec(p))
    .filter((m): m is RegExpExecArray => m !== null && m[2] === name)
    .map((m) => m[1]);
}

const links = new Map<string, string[]>();
for (const file of fs.readdirSync(componentsDir).filter((f) => f.endsWith('.ts')).sort()) {
  for (const [cls, urls] of seeLinks(path.join(componentsDir, file))) links.set(cls, urls);
}

describe('links to the Alloy reference', () => {
  test('docs-pages.json is the docs tree of the commit the facts were read at, with a page for every component', () => {
    const commit = /^grafana\/alloy v1\.18\.1 \(([0-9a-f]{12})\)/.exec(factsSource)![1];
    expect(docs.commit.startsWith(commit)).toBe(true);
    expect(docs._source).toMatch(/^grafana\/alloy v1\.18\.1 \(/);
    expect(docs.pages).toEqual([...docs.pages].sort());
    expect(live.filter((n) => folderOf(n).length !== 1)).toEqual([]);
    expect(CONFIG_BLOCKS.filter((b) => !docs.pages.includes(`reference/config-blocks/${b}.md`))).toEqual([]);
  });

  test('every generated class is found in the files, and each file has one class', () => {
    expect([...links.keys()].sort()).toEqual([...alloyName.keys()].sort());
    expect([...alloyName.values()].filter((v) => !v.configBlock).map((v) => v.name).sort()).toEqual(live);
    expect([...alloyName.values()].filter((v) => v.configBlock).map((v) => v.name).sort()).toEqual(CONFIG_BLOCKS);
    expect(links.size).toBe(fs.readdirSync(componentsDir).filter((f) => f.endsWith('.ts')).length);
  });

  test.each([...alloyName.entries()].sort().map(([cls, v]) => [cls, v.name, v.configBlock]))(
    '%s (%s) links to its page',
    (cls, name, configBlock) => {
      const urls = links.get(cls as string)!;
      expect(urls).toHaveLength(1);
      if (configBlock) {
        expect(urls[0]).toBe(`${BASE}config-blocks/${name}/`);
      } else {
        expect(urls[0]).toBe(`${BASE}components/${folderOf(name as string)[0]}/${name}/`);
      }
    },
  );

  test.each([
    ['otelcol.exporter.otlp', 'OtelcolExporterOtlp', 'components/otelcol/otelcol.exporter.otlp/'],
    ['prometheus.remote_write', 'PrometheusRemoteWrite', 'components/prometheus/prometheus.remote_write/'],
    ['loki.write', 'LokiWrite', 'components/loki/loki.write/'],
    ['discovery.kubernetes', 'DiscoveryKubernetes', 'components/discovery/discovery.kubernetes/'],
    ['database_observability.mysql', 'DatabaseObservabilityMysql', 'components/database_observability/database_observability.mysql/'],
    ['pyroscope.write', 'PyroscopeWrite', 'components/pyroscope/pyroscope.write/'],
    ['beyla.ebpf', 'BeylaEbpf', 'components/beyla/beyla.ebpf/'],
    ['faro.receiver', 'FaroReceiver', 'components/faro/faro.receiver/'],
    ['local.file', 'LocalFile', 'components/local/local.file/'],
    ['remote.kubernetes.secret', 'RemoteKubernetesSecret', 'components/remote/remote.kubernetes.secret/'],
    ['mimir.rules.kubernetes', 'MimirRulesKubernetes', 'components/mimir/mimir.rules.kubernetes/'],
    ['logging', 'LoggingBlock', 'config-blocks/logging/'],
    ['tracing', 'TracingBlock', 'config-blocks/tracing/'],
    ['http', 'HttpBlock', 'config-blocks/http/'],
    ['livedebugging', 'LivedebuggingBlock', 'config-blocks/livedebugging/'],
  ])('%s: %s links to .../reference/%s', (name, cls, page) => {
    expect(alloyName.get(cls)?.name).toBe(name);
    expect(links.get(cls)).toEqual([`${BASE}${page}`]);
  });

  test('an editor\'s hover on a class shows the link', () => {
    const file = path.join(componentsDir, 'otelcol-exporter-otlp.ts');
    const text = fs.readFileSync(file, 'utf-8');
    const host: ts.LanguageServiceHost = {
      getScriptFileNames: () => [file],
      getScriptVersion: () => '1',
      getScriptSnapshot: (f) => (fs.existsSync(f) ? ts.ScriptSnapshot.fromString(fs.readFileSync(f, 'utf-8')) : undefined),
      getCurrentDirectory: () => root,
      getCompilationSettings: () => ({ noLib: true, noResolve: true }),
      getDefaultLibFileName: () => 'lib.d.ts',
      fileExists: (f) => fs.existsSync(f),
      readFile: (f) => fs.readFileSync(f, 'utf-8'),
    };
    const service = ts.createLanguageService(host);
    const info = service.getQuickInfoAtPosition(file, text.indexOf('export class OtelcolExporterOtlp') + 'export class '.length)!;
    expect(ts.displayPartsToString(info.documentation)).toBe('`otelcol.exporter.otlp` (generally-available).');
    const see = info.tags!.find((t) => t.name === 'see')!;
    expect(see.text!.map((p) => p.kind)).toContain('link');
    expect(ts.displayPartsToString(see.text)).toContain(`${BASE}components/otelcol/otelcol.exporter.otlp/`);
    service.dispose();
  });
});

// With ALLOY_GIT_DIR set to a git directory of grafana/alloy, docs-pages.json is checked against its docs tree.
const alloyGit = process.env.ALLOY_GIT_DIR;
(alloyGit ? test : test.skip)('docs-pages.json lists the .md files of docs/sources/reference/{components,config-blocks} at v1.18.1 (ALLOY_GIT_DIR)', () => {
  const git = (...args: string[]): string => execFileSync('git', ['--git-dir', alloyGit!, ...args], { encoding: 'utf-8' });
  expect(git('rev-parse', 'v1.18.1^{commit}').trim()).toBe(docs.commit);
  const pages = git('ls-tree', '-r', '--name-only', docs.commit, '--', 'docs/sources/reference/components', 'docs/sources/reference/config-blocks')
    .split('\n').filter((p) => p.endsWith('.md')).map((p) => p.slice('docs/sources/'.length)).sort();
  expect(docs.pages).toEqual(pages);
});
