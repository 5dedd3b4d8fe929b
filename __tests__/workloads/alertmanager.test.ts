import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Testing } from 'cdk8s';
import { load } from 'js-yaml';
import { Alertmanager, AlertmanagerProps } from '../../lib';
import { schemaErrors } from '../support/k8s-schema';
import { find, manifestsOf } from '../support/manifests';
import { haveTool } from '../support/tools';

const amtool = haveTool('amtool');

function check(text: string): { status: number | null; output: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-alloy-am-'));
  const file = path.join(dir, 'alertmanager.yml');
  fs.writeFileSync(file, text);
  const r = spawnSync('amtool', ['check-config', file], { encoding: 'utf-8' });
  fs.rmSync(dir, { recursive: true, force: true });
  return { status: r.status, output: r.stdout + r.stderr };
}

const FULL: AlertmanagerProps = {
  namespace: 'obs',
  receivers: [
    { name: 'default', slack: [{ apiUrl: { name: 'slack-webhook', key: 'url' }, channel: '#alerts' }] },
    { name: 'oncall', webhooks: [{ url: 'https://hooks.example.com/alerts', bearerToken: { name: 'oncall-token', key: 'token' } }] },
  ],
  routes: [{ matchers: ['severity="critical"'], receiver: 'oncall', continue: true }],
  groupBy: ['alertname', 'job'],
  groupWait: '10s',
  repeatInterval: '12h',
};

describe('Alertmanager', () => {
  (amtool ? test : test.skip)('the default configuration passes amtool check-config', () => {
    const am = new Alertmanager(Testing.chart(), 'am', { namespace: 'obs' });
    expect(check(am.configText)).toEqual({ status: 0, output: expect.stringContaining('SUCCESS') });
  });

  (amtool ? test : test.skip)('webhook and Slack receivers with routes pass amtool check-config', () => {
    const am = new Alertmanager(Testing.chart(), 'am', FULL);
    expect(check(am.configText)).toEqual({ status: 0, output: expect.stringContaining('SUCCESS') });
  });

  test('routing: grouped, deduplicated, a component down holds back its other alerts; credentials are files from Secrets', () => {
    const chart = Testing.chart();
    const am = new Alertmanager(chart, 'am', FULL);
    const config = load(am.configText) as Record<string, any>;
    expect(config.route).toEqual({
      receiver: 'default', group_by: ['alertname', 'job'], group_wait: '10s', group_interval: '5m', repeat_interval: '12h',
      routes: [
        // a heartbeat a minute: flushed every 30s, resent when the last is 45s old, so on every second flush
        { receiver: 'watchdog', matchers: ['alertname="Watchdog"'], group_wait: '0s', group_interval: '30s', repeat_interval: '45s' },
        { receiver: 'oncall', matchers: ['severity="critical"'], continue: true },
      ],
    });
    expect(config.inhibit_rules).toEqual([{ source_matchers: ['alertname="TelemetryComponentDown"'], target_matchers: ['alertname!="TelemetryComponentDown"'], equal: ['instance'] }]);
    expect(config.receivers).toEqual([
      { name: 'default', slack_configs: [{ api_url_file: '/etc/alertmanager/secrets/slack-webhook/url', channel: '#alerts', send_resolved: true }] },
      { name: 'oncall', webhook_configs: [{ url: 'https://hooks.example.com/alerts', send_resolved: true, http_config: { authorization: { credentials_file: '/etc/alertmanager/secrets/oncall-token/token' } } }] },
      { name: 'watchdog' },
    ]);
    const ms = manifestsOf(chart);
    const pod = find(ms, 'Deployment', 'alertmanager').spec.template.spec;
    expect(pod.volumes).toEqual(expect.arrayContaining([
      { name: 'secret-0', secret: { secretName: 'oncall-token', defaultMode: 0o440 } },
      { name: 'secret-1', secret: { secretName: 'slack-webhook', defaultMode: 0o440 } },
    ]));
    expect(pod.containers[0].volumeMounts).toEqual(expect.arrayContaining([
      { name: 'secret-1', mountPath: '/etc/alertmanager/secrets/slack-webhook', readOnly: true },
    ]));
    expect(pod.containers[0].args).toEqual([
      '--config.file=/etc/alertmanager/config/alertmanager.yml', '--storage.path=/alertmanager', '--web.listen-address=0.0.0.0:9093', '--cluster.listen-address=',
    ]);
    expect(pod.containers[0].image).toBe('prom/alertmanager:v0.29.0');
    for (const m of ms) expect(schemaErrors(m)).toEqual([]);
  });

  test('silences and the notification log survive restarts: /alertmanager on a PVC, the Deployment recreated', () => {
    const chart = Testing.chart();
    new Alertmanager(chart, 'am', { namespace: 'obs' });
    const ms = manifestsOf(chart);
    expect(find(ms, 'PersistentVolumeClaim', 'alertmanager-data').spec).toEqual({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } });
    const deployment = find(ms, 'Deployment', 'alertmanager');
    expect(deployment.spec.strategy).toEqual({ type: 'Recreate' });
    const pod = deployment.spec.template.spec;
    expect(pod.volumes).toContainEqual({ name: 'data', persistentVolumeClaim: { claimName: 'alertmanager-data' } });
    // nothing else is mounted there: no emptyDir left over
    expect(pod.containers[0].volumeMounts.filter((m: any) => m.mountPath === '/alertmanager')).toEqual([{ name: 'data', mountPath: '/alertmanager' }]);
    expect(pod.volumes.filter((v: any) => v.emptyDir !== undefined).map((v: any) => v.name)).toEqual(['tmp']);
    expect(pod.containers[0].args).toContain('--storage.path=/alertmanager');
    for (const m of ms) expect(schemaErrors(m)).toEqual([]);

    const sized = Testing.chart();
    new Alertmanager(sized, 'am', { namespace: 'obs', storageSize: '2Gi', storageClassName: 'fast' });
    expect(find(manifestsOf(sized), 'PersistentVolumeClaim', 'alertmanager-data').spec).toEqual({
      accessModes: ['ReadWriteOnce'], storageClassName: 'fast', resources: { requests: { storage: '2Gi' } },
    });
  });

  (amtool ? test : test.skip)('the Watchdog route passes amtool check-config with repeatInterval equal to groupInterval', () => {
    const am = new Alertmanager(Testing.chart(), 'am', { namespace: 'obs', groupInterval: '1h', repeatInterval: '1h' });
    expect(check(am.configText)).toEqual({ status: 0, output: expect.stringContaining('SUCCESS') });
    expect((load(am.configText) as any).route.routes[0]).toEqual({ receiver: 'watchdog', matchers: ['alertname="Watchdog"'], group_wait: '0s', group_interval: '30s', repeat_interval: '45s' });
  });

  test.each([
    ['no default receiver', { receivers: [{ name: 'x' }] }, 'test/am: no receiver named "default" (got x); add one for alerts that no route matches'],
    ['two receivers of one name', { receivers: [{ name: 'default' }, { name: 'default' }] }, 'test/am: two receivers named "default"; give each receiver its own name'],
    ['a route to a missing receiver', { routes: [{ matchers: ['a="b"'], receiver: 'nobody' }] }, 'test/am: a route sends to receiver "nobody", which does not exist; use one of default'],
    ['a route without matchers', { receivers: [{ name: 'default' }, { name: 'x' }], routes: [{ matchers: [], receiver: 'x' }] }, 'test/am: a route to "x" has no matchers and would take every alert'],
    ['a webhook URL without scheme', { receivers: [{ name: 'default', webhooks: [{ url: 'hooks.example.com' }] }] }, 'test/am: receiver "default": invalid webhook url (got "hooks.example.com"); use an http(s) URL'],
    ['a bad duration', { groupWait: '30 seconds' }, 'test/am: invalid groupWait (got "30 seconds")'],
    ['a bad Secret name', { receivers: [{ name: 'default', slack: [{ apiUrl: { name: 'Slack_Secret', key: 'url' }, channel: '#a' }] }] }, 'test/am: invalid Secret name (got "Slack_Secret")'],
    ['a bad Secret key', { receivers: [{ name: 'default', slack: [{ apiUrl: { name: 'slack', key: 'a/b' }, channel: '#a' }] }] }, 'test/am: invalid key of Secret slack (got "a/b")'],
    ['repeatInterval is below groupInterval', { groupInterval: '10m', repeatInterval: '5m' },
      'test/am: repeatInterval is below groupInterval (got repeatInterval "5m", groupInterval "10m"); Alertmanager resends only when it flushes a group, every groupInterval: make repeatInterval at least groupInterval, or groupInterval shorter'],
    ['repeatInterval is below the default groupInterval', { repeatInterval: '1m' }, 'test/am: repeatInterval is below groupInterval (got repeatInterval "1m", groupInterval "5m")'],
    ['repeatInterval outlasts the notification log\'s 120h retention', { repeatInterval: '7d' },
      'test/am: repeatInterval is longer than Alertmanager\'s 120h data retention (got "7d"); the notification log forgets a group sooner, so it would be notified again early: use at most "120h"'],
    ['storageSize is not a Kubernetes quantity', { storageSize: '1GB' }, 'test/am: invalid storageSize (got "1GB"); write a positive size such as "10Gi" or "500Mi"'],
    ['storageClassName is not a DNS subdomain', { storageClassName: 'Fast_SSD' }, 'test/am: invalid storageClassName (got "Fast_SSD")'],
  ])('fails when %s', (_, props, message) => {
    expect(() => new Alertmanager(Testing.chart(), 'am', { namespace: 'obs', ...(props as object) })).toThrow(message);
  });
});
