import { Testing } from 'cdk8s';
import {
  DiscoveryRelabel, LokiWrite, OtelcolExporterOtlp, OtelcolProcessorBatch, PrometheusScrape, PrometheusRemoteWrite, RemoteHttp,
} from '../../imports/alloy';
import { AlloyConfig, Expr } from '../../lib/alloy';
import { renderBody } from '../../lib/alloy/internal';

function cfg(): AlloyConfig {
  return new AlloyConfig(Testing.chart(), 'alloy');
}

describe('argument kinds checked at synth', () => {
  test('lists of durations and secrets, maps of secrets', () => {
    expect(() => renderBody('s', { d: ['1s', '2m'] }, { d: { kind: 'attribute', name: 'd', type: 'list(duration)' } })).not.toThrow();
    expect(() => renderBody('s', { d: ['soon'] }, { d: { kind: 'attribute', name: 'd', type: 'list(duration)' } })).toThrow(
      's: d[0]: expected a duration (got "soon")',
    );
    expect(() => renderBody('s', { k: [Expr.env('A')] }, { k: { kind: 'attribute', name: 'k', type: 'list(secret)' } })).not.toThrow();
    expect(() => renderBody('s', { k: ['plain'] }, { k: { kind: 'attribute', name: 'k', type: 'list(secret)' } })).toThrow(
      's: k[0]: a secret cannot be a literal (got a string literal)',
    );
    expect(() => renderBody('s', { m: { a: 'plain' } }, { m: { kind: 'attribute', name: 'm', type: 'map(secret)' } })).toThrow(
      's: m["a"]: a secret cannot be a literal (got a string literal)',
    );
    expect(() => renderBody('s', { m: { a: 'x' } }, { m: { kind: 'attribute', name: 'm', type: 'map(list(secret))' } })).toThrow(
      's: m["a"]: expected a list of secrets (got "x"); pass [Expr.env("NAME")]',
    );
    expect(() => renderBody('s', { n: [1, 2] }, { n: { kind: 'attribute', name: 'n', type: 'list(number)' } })).not.toThrow();
  });

  test('targets: a Targets export or a literal list of label objects', () => {
    const c = cfg();
    const rw = new PrometheusRemoteWrite(c, 'rw');
    new PrometheusScrape(c, 'static', { targets: [{ __address__: 'app:8080', job: 'app' }], forwardTo: [rw.receiver] });
    expect(c.render()).toContain('\ttargets    = [\n\t\t{\n\t\t\t__address__ = "app:8080",\n\t\t\tjob         = "app",\n\t\t},\n\t]\n}');
    const bad = cfg();
    new PrometheusScrape(bad, 'bad', { targets: ['app:8080' as never], forwardTo: [], dropOutput: true });
    expect(() => bad.render()).toThrow('test/alloy/bad (prometheus.scrape.bad): targets[0]: unexpected element (got "app:8080"); each element must be an object of labels');
  });

  test('capsules: relabel rules and handlers must be the matching export', () => {
    const c = cfg();
    const relabel = new DiscoveryRelabel(c, 'r', { targets: [] });
    const rw = new PrometheusRemoteWrite(c, 'rw');
    new PrometheusScrape(c, 's', { targets: relabel.output, forwardTo: [rw.receiver] });
    expect(() => c.render()).not.toThrow();
    const bad = cfg();
    new OtelcolExporterOtlp(bad, 'o', { client: { endpoint: 'x:1', auth: Expr.ref('otelcol.auth.basic.a.handler') as never } });
    expect(() => bad.render()).toThrow('test/alloy/o (otelcol.exporter.otlp.o) > client: auth: expected a AuthHandler (got otelcol.auth.basic.a.handler)');
    const notList = cfg();
    new LokiWrite(notList, 'w');
    new PrometheusScrape(notList, 's', { targets: [], forwardTo: 'x' as never });
    expect(() => notList.render()).toThrow('test/alloy/s (prometheus.scrape.s): forward_to: expected a list (got "x"); pass an array of receiver exports');
  });

  test('consumer lists must be lists of .input exports', () => {
    const c = cfg();
    new OtelcolProcessorBatch(c, 'b', { output: { traces: 'x' as never } });
    expect(() => c.render()).toThrow('test/alloy/b (otelcol.processor.batch.b) > output: traces: expected a list (got "x"); pass an array of .input exports');
  });

  test('a generic export is a plain reference usable anywhere an expression is', () => {
    const c = cfg();
    const token = new RemoteHttp(c, 'token', { url: 'http://vault/token' });
    new LokiWrite(c, 'w', { endpoint: { url: 'http://loki', bearerToken: token.content } });
    expect(c.render()).toContain('bearer_token = remote.http.token.content');
  });
});
