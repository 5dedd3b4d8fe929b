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
        { receiver: 'watchdog', matchers: ['alertname="Watchdog"'], repeat_interval: '1m' },
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

  test.each([
    ['no default receiver', { receivers: [{ name: 'x' }] }, 'test/am: no receiver named "default" (got x); add one for alerts that no route matches'],
    ['two receivers of one name', { receivers: [{ name: 'default' }, { name: 'default' }] }, 'test/am: two receivers named "default"; give each receiver its own name'],
    ['a route to a missing receiver', { routes: [{ matchers: ['a="b"'], receiver: 'nobody' }] }, 'test/am: a route sends to receiver "nobody", which does not exist; use one of default'],
    ['a route without matchers', { receivers: [{ name: 'default' }, { name: 'x' }], routes: [{ matchers: [], receiver: 'x' }] }, 'test/am: a route to "x" has no matchers and would take every alert'],
    ['a webhook URL without scheme', { receivers: [{ name: 'default', webhooks: [{ url: 'hooks.example.com' }] }] }, 'test/am: receiver "default": invalid webhook url (got "hooks.example.com"); use an http(s) URL'],
    ['a bad duration', { groupWait: '30 seconds' }, 'test/am: invalid groupWait (got "30 seconds")'],
    ['a bad Secret name', { receivers: [{ name: 'default', slack: [{ apiUrl: { name: 'Slack_Secret', key: 'url' }, channel: '#a' }] }] }, 'test/am: invalid Secret name (got "Slack_Secret")'],
    ['a bad Secret key', { receivers: [{ name: 'default', slack: [{ apiUrl: { name: 'slack', key: 'a/b' }, channel: '#a' }] }] }, 'test/am: invalid key of Secret slack (got "a/b")'],
  ])('fails when %s', (_, props, message) => {
    expect(() => new Alertmanager(Testing.chart(), 'am', { namespace: 'obs', ...(props as object) })).toThrow(message);
  });
});
