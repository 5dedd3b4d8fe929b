import * as path from 'path';
import { Testing } from 'cdk8s';
import { expectGolden } from '../support/golden';
import { AlloyConfig, Destination, OtlpGateway } from '../../lib';
import { LokiWrite } from '../../imports/alloy';

const tempo = Destination.otlpGrpc({ name: 'tempo', endpoint: 'tempo:4317', insecure: true });
const prom = Destination.remoteWrite({ name: 'prometheus', url: 'http://prometheus:9090/api/v1/write' });
const loki = Destination.lokiPush({ name: 'loki', url: 'http://loki:3100/loki/api/v1/push', tenantId: 'team_a' });

function cfg(): AlloyConfig {
  return new AlloyConfig(Testing.chart(), 'alloy');
}

describe('OtlpGateway', () => {
  test('wires receiver -> memory limiter -> one exporter per signal, with no batch processor to drop data', () => {
    const c = cfg();
    const gw = new OtlpGateway(c, 'otlp', { traces: tempo, metrics: prom, logs: loki });
    expect(gw.components.map((x) => x.componentId)).toEqual([
      'otelcol.exporter.prometheus.default',
      'otelcol.processor.memory_limiter.default',
      'otelcol.receiver.otlp.default',
    ]);
    expect(c.components.map((x) => x.componentId)).toEqual(expect.arrayContaining([
      'prometheus.remote_write.prometheus', 'loki.write.loki', 'otelcol.exporter.loki.loki', 'otelcol.exporter.otlp.tempo',
    ]));
    expect(c.components.map((x) => x.componentName)).not.toContain('otelcol.processor.batch');
    const text = c.render();
    expect(text).toContain('tenant_id = "team_a"');
    expect(text).toContain('check_interval         = "1s"\n\tlimit_percentage       = 80\n\tspike_limit_percentage = 20');
  });

  test('the gateway to all three destinations (golden)', () => {
    const c = cfg();
    new OtlpGateway(c, 'otlp', { traces: tempo, metrics: prom, logs: loki });
    expectGolden(path.join(__dirname, 'golden', 'otlp-gateway.alloy'), c.render());
  });

  test('a signal without a destination is left out of every output', () => {
    const c = cfg();
    new OtlpGateway(c, 'otlp', { traces: tempo });
    const text = c.render();
    expect(text).not.toMatch(/metrics =|logs +=/);
    expect(text).toContain('traces = [otelcol.processor.memory_limiter.default.input]');
    expect(text).not.toContain('otelcol.exporter.prometheus');
  });

  test('two gateways share one exporter per destination', () => {
    const c = cfg();
    new OtlpGateway(c, 'a', { label: 'a', traces: tempo, logs: loki });
    new OtlpGateway(c, 'b', { label: 'b', traces: tempo, logs: loki, grpcPort: 5317, httpPort: 5318 });
    const ids = c.components.map((x) => x.componentId);
    expect(ids.filter((i) => i === 'otelcol.exporter.otlp.tempo')).toHaveLength(1);
    expect(ids.filter((i) => i === 'loki.write.loki')).toHaveLength(1);
    expect(() => c.render()).not.toThrow();
  });

  test('memory limits are props', () => {
    const c = cfg();
    new OtlpGateway(c, 'otlp', { metrics: prom, memoryLimitPercentage: 70, memorySpikeLimitPercentage: 10 });
    expect(c.render()).toContain('limit_percentage       = 70\n\tspike_limit_percentage = 10');
  });

  test('fails when the gateway has no destination', () => {
    expect(() => new OtlpGateway(cfg(), 'otlp', {})).toThrow(
      'test/alloy/otlp: the gateway has no destination (got none of traces, metrics, logs); pass at least one',
    );
  });

  test('fails when the gateway is not inside an AlloyConfig', () => {
    expect(() => new OtlpGateway(Testing.chart(), 'otlp', { traces: tempo })).toThrow(
      'test/otlp: OtlpGateway is not inside an AlloyConfig; create it with an AlloyConfig as its scope',
    );
  });

  test('fails when both receivers take one port, or a port is out of range', () => {
    expect(() => new OtlpGateway(cfg(), 'otlp', { traces: tempo, grpcPort: 4318 })).toThrow(
      'test/alloy/otlp: gRPC and HTTP receivers on the same port (got 4318); give them different ports',
    );
    expect(() => new OtlpGateway(cfg(), 'otlp', { traces: tempo, grpcPort: 70000 })).toThrow(
      'test/alloy/otlp: grpcPort out of range (got 70000); use a whole number from 1 to 65535',
    );
    expect(() => new OtlpGateway(cfg(), 'otlp', { traces: tempo, httpPort: 0 })).toThrow('httpPort out of range (got 0)');
  });

  test('fails when memory percentages are out of range or the spike is not below the limit', () => {
    expect(() => new OtlpGateway(cfg(), 'otlp', { traces: tempo, memoryLimitPercentage: 120 })).toThrow(
      'test/alloy/otlp: memoryLimitPercentage must be a whole percentage from 1 to 100 (got 120)',
    );
    expect(() => new OtlpGateway(cfg(), 'otlp', { traces: tempo, memoryLimitPercentage: 50, memorySpikeLimitPercentage: 50 })).toThrow(
      'memorySpikeLimitPercentage (got 50) must be below memoryLimitPercentage (50)',
    );
  });

  test('fails when the label is not an identifier', () => {
    expect(() => new OtlpGateway(cfg(), 'otlp', { traces: tempo, label: 'my-gw' })).toThrow('test/alloy/otlp: invalid label (got "my-gw")');
  });
});

describe('Destination: errors', () => {
  test('fails when two destinations of one name differ in settings, instead of sending to the first', () => {
    const c = cfg();
    new OtlpGateway(c, 'a', { label: 'a', traces: tempo });
    const other = Destination.otlpGrpc({ name: 'tempo', endpoint: 'vendor.example.com:443' });
    expect(() => new OtlpGateway(c, 'b', { label: 'b', traces: other, grpcPort: 5317, httpPort: 5318 })).toThrow(
      'test/alloy: a destination named "tempo" already exists with {"name":"tempo","endpoint":"tempo:4317","insecure":true} ' +
      '(got {"name":"tempo","endpoint":"vendor.example.com:443"}); give destinations with different settings different names',
    );
  });

  test('fails when the id a destination needs is taken by another construct', () => {
    const c = cfg();
    new LokiWrite(c, 'loki_write_loki', { label: 'mine' });
    expect(() => new OtlpGateway(c, 'otlp', { logs: loki })).toThrow(
      'test/alloy: the id "loki_write_loki" that a destination needs is taken by another construct (test/alloy/loki_write_loki); ' +
      'rename that construct or give the destination another name',
    );
  });

  test('fails when an OTLP endpoint is not host:port', () => {
    expect(() => Destination.otlpGrpc({ name: 'x', endpoint: 'http://tempo:4317' })).toThrow(
      'Destination.otlpGrpc "x": invalid address (got "http://tempo:4317"); use host:port, such as "tempo:4317"',
    );
  });

  test('fails when a URL has no scheme', () => {
    expect(() => Destination.remoteWrite({ name: 'p', url: 'prometheus:9090/api/v1/write' })).toThrow(
      'Destination.remoteWrite "p": invalid address (got "prometheus:9090/api/v1/write"); use an http(s) URL',
    );
    expect(() => Destination.lokiPush({ name: 'l', url: 'loki:3100' })).toThrow('Destination.lokiPush "l": invalid address (got "loki:3100")');
  });

  test('fails when a destination name is not an Alloy identifier', () => {
    expect(() => Destination.lokiPush({ name: 'my-loki', url: 'http://loki:3100/loki/api/v1/push' })).toThrow(
      'Destination.lokiPush: invalid name (got "my-loki")',
    );
  });

  test('an OTLP destination uses TLS unless told otherwise', () => {
    const c = cfg();
    new OtlpGateway(c, 'otlp', { traces: Destination.otlpGrpc({ name: 'remote', endpoint: 'traces.example.com:443' }) });
    expect(c.render()).toContain('otelcol.exporter.otlp "remote" {\n\tclient {\n\t\tendpoint = "traces.example.com:443"\n\t}\n}');
  });
});
