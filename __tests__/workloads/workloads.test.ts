import { Testing } from 'cdk8s';
import { Alloy, Grafana, Loki, Prometheus, ServerWorkload, Tempo } from '../../lib';
import { assertQuantity, assertWholeNumber, goDuration, parseDuration } from '../../lib/validation';
import { find, manifestsOf } from '../support/manifests';

const ns = { namespace: 'obs' };
const base = {
  namespace: 'obs', name: 'app', instance: 'i', component: 'c', image: 'img:1',
  ports: [{ name: 'http', port: 8080 }], readiness: { path: '/ready', port: 'http' }, runAs: { uid: 1000, gid: 1000 },
  resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '1', memory: '1Gi' } },
  configFiles: { mountPath: '/etc/app', data: { 'a.yaml': 'x: 1\n' } },
};

describe('ServerWorkload', () => {
  test('an image without a tag is labelled version latest; no liveness probe unless asked', () => {
    const chart = Testing.chart();
    new ServerWorkload(chart, 'w', { ...base, image: 'img' });
    const d = find(manifestsOf(chart), 'Deployment', 'app');
    expect(d.metadata.labels?.['app.kubernetes.io/version']).toBe('latest');
    expect(d.spec.template.spec.containers[0].livenessProbe).toBeUndefined();
  });

  test('fails when a probe names a port the container does not have', () => {
    expect(() => new ServerWorkload(Testing.chart(), 'w', { ...base, readiness: { path: '/', port: 'metrics' } })).toThrow(
      'test/w: probe port "metrics" is not one of the container\'s ports; use one of http',
    );
  });

  test('fails when a name is not a DNS label', () => {
    expect(() => new ServerWorkload(Testing.chart(), 'w', { ...base, name: 'App_1' })).toThrow('test/w: invalid name (got "App_1")');
    expect(() => new ServerWorkload(Testing.chart(), 'w', { ...base, name: 'a'.repeat(64) })).toThrow('invalid name');
  });

  test('fails when a port is out of range', () => {
    expect(() => new ServerWorkload(Testing.chart(), 'w', { ...base, ports: [{ name: 'http', port: 65536 }] })).toThrow(
      'test/w: port http out of range (got 65536); use a whole number from 1 to 65535',
    );
  });

  test('fails when a resource quantity is malformed', () => {
    expect(() => new ServerWorkload(Testing.chart(), 'w', {
      ...base, resources: { requests: { cpu: '100 m', memory: '128Mi' }, limits: { cpu: '1', memory: '1Gi' } },
    })).toThrow('test/w: invalid requests.cpu quantity (got "100 m"); write it as Kubernetes does, such as "250m" or "1"');
    expect(() => new ServerWorkload(Testing.chart(), 'w', {
      ...base, resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '1', memory: '1GB' } },
    })).toThrow('invalid limits.memory quantity (got "1GB"); write it as Kubernetes does, such as "512Mi" or "2Gi"');
  });
});

describe('backends: errors', () => {
  test('fails when a retention is not a positive duration', () => {
    expect(() => new Tempo(Testing.chart(), 'tempo', { ...ns, retention: '7 days' })).toThrow(
      'test/tempo: invalid retention (got "7 days"); write a positive duration with units y, w, d, h, m, s, ms and no fractions, such as "15d" or "1h30m"',
    );
    expect(() => new Loki(Testing.chart(), 'loki', { ...ns, retention: '0h' })).toThrow('test/loki: invalid retention (got "0h")');
    expect(() => new Grafana(Testing.chart(), 'grafana', { ...ns, adminSecretName: 'Admin Secret' })).toThrow(
      'test/grafana: invalid adminSecretName (got "Admin Secret")',
    );
    expect(() => new Prometheus(Testing.chart(), 'prometheus', { ...ns, retention: '-1d' })).toThrow(
      'test/prometheus: invalid retention (got "-1d"); write a positive duration with units y, w, d, h, m, s, ms and no fractions, such as "15d" or "1h30m"',
    );
    expect(() => new Prometheus(Testing.chart(), 'prometheus', { ...ns, scrapeInterval: '1.5m' })).toThrow('invalid scrapeInterval (got "1.5m")');
    expect(() => new Prometheus(Testing.chart(), 'prometheus', { ...ns, scrapeInterval: '500us' })).toThrow('invalid scrapeInterval (got "500us")');
    expect(() => new Prometheus(Testing.chart(), 'prometheus', { ...ns, retention: '' })).toThrow('invalid retention (got "")');
    expect(() => new Loki(Testing.chart(), 'loki', { ...ns, retention: '1.5h' })).toThrow('test/loki: invalid retention (got "1.5h")');
    expect(() => new Loki(Testing.chart(), 'loki', { ...ns, retention: '36h' })).toThrow(
      'test/loki: retention must be whole days, a multiple of Loki\'s 24h index period (got "36h"); use a value such as "168h" or "30d"',
    );
    expect(new Prometheus(Testing.chart(), 'prometheus', { ...ns, retention: '1y2w3d4h5m6s7ms', scrapeInterval: '15s' }).renderConfig()).toContain('scrape_interval: 15s');
    expect(() => new Loki(Testing.chart(), 'loki', { ...ns, retention: '30d' })).not.toThrow();
  });

  test('Prometheus: fails on a duplicate scrape job, a bad job name or a bad address', () => {
    const p = new Prometheus(Testing.chart(), 'prometheus', ns);
    expect(() => p.addScrapeTarget({ job: 'prometheus', address: 'x:1' })).toThrow(
      'test/prometheus: duplicate scrape job "prometheus"; give each target its own job name',
    );
    expect(() => p.addScrapeTarget({ job: 'My Job', address: 'x:1' })).toThrow('test/prometheus: invalid scrape job name (got "My Job")');
    expect(() => p.addScrapeTarget({ job: 'app', address: 'http://x:1' })).toThrow(
      'test/prometheus: invalid scrape address for job "app" (got "http://x:1"); use host:port',
    );
    p.addScrapeTarget({ job: 'app', address: 'app:8080', metricsPath: '/custom' });
    expect(p.renderConfig()).toContain('job_name: app\n    metrics_path: /custom');
  });

  test('Grafana: fails when two data sources share a uid or name', () => {
    const chart = Testing.chart();
    const tempo = new Tempo(chart, 'tempo', ns);
    const g = new Grafana(chart, 'grafana', { ...ns, datasources: [tempo] });
    expect(() => g.addDatasource(tempo)).toThrow(
      'test/grafana: data source "Tempo" (uid tempo) clashes with "Tempo" (uid tempo); give each data source its own name and uid',
    );
  });

  test('Grafana without data sources provisions an empty list', () => {
    const g = new Grafana(Testing.chart(), 'grafana', ns);
    expect(g.renderDatasources()).toBe('apiVersion: 1\ndatasources: []\n');
  });

  test('Alloy: fails when two of its ports are the same', () => {
    expect(() => new Alloy(Testing.chart(), 'alloy', { ...ns, otlpHttpPort: 12345 })).toThrow(
      'test/alloy: two ports are the same (got 12345 twice among 4317, 12345, 12345); give each its own port',
    );
    expect(() => new Alloy(Testing.chart(), 'alloy', { ...ns, otlpGrpcPort: -1 })).toThrow('test/alloy: otlpGrpcPort out of range (got -1)');
  });

  test('Alloy with an empty config still renders and rolls out', () => {
    const chart = Testing.chart();
    const alloy = new Alloy(chart, 'alloy', ns);
    const cm = find(manifestsOf(chart), 'ConfigMap', 'alloy-config');
    expect(cm.data['config.alloy']).toBe(alloy.config.render());
  });
});

describe('validation helpers', () => {
  test('durations, quantities and whole numbers', () => {
    expect(parseDuration('s', 'retention', '1h30m')).toBe(5400e3);
    expect(() => parseDuration('s', 'retention', '0s')).toThrow('s: invalid retention (got "0s")');
    // one form for every duration prop; what reads Go durations gets days, weeks and years as hours
    expect(goDuration('s', 'retention', '1h30m')).toBe('1h30m');
    expect(goDuration('s', 'retention', '7d')).toBe('168h');
    expect(goDuration('s', 'retention', '1y1w1d1h1m1s1ms')).toBe('8953h1m1s1ms');
    expect(goDuration('s', 'retention', '2d30m')).toBe('48h30m');
    expect(() => goDuration('s', 'retention', '1.5h')).toThrow('s: invalid retention (got "1.5h")');
    expect(() => assertQuantity('s', 'memory', '1.5Gi', 'memory')).not.toThrow();
    expect(() => assertQuantity('s', 'memory', 'lots', 'memory')).toThrow('s: invalid memory quantity (got "lots"); write it as Kubernetes does, such as "512Mi" or "2Gi"');
    expect(() => assertWholeNumber('s', 'replicas', 2, 0)).not.toThrow();
    expect(() => assertWholeNumber('s', 'replicas', -1, 0)).toThrow('s: replicas must be a whole number of at least 0 (got -1)');
  });
});
