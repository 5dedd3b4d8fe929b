/**
 * Roles, not names: renaming the gateway and each backend through props moves nothing that
 * should not move. Sync waves follow each workload's role, alert selectors and scrape jobs the
 * workloads' names, NetworkPolicies the workloads' pods.
 */
import { ObservabilityStack } from '../../lib';
import { SYNC_WAVE } from '../../lib/stack/sync-waves';
import { Manifest, find, manifestsOf, testApp } from '../support/manifests';

const renamed = {
  alloy: { name: 'gateway' },
  tempo: { name: 'traces' },
  loki: { name: 'logs' },
  prometheus: { name: 'metrics' },
  grafana: { name: 'dashboards' },
  alertmanager: { name: 'alerts' },
};

const wave = (m: Manifest) => m.metadata.annotations?.[SYNC_WAVE];

describe('renaming the gateway and every backend', () => {
  const stack = new ObservabilityStack(testApp(), 'observability', renamed);
  const ms = manifestsOf(stack);

  test('sync waves follow roles: backends 1, every collector 2, Grafana and its dashboards 3', () => {
    expect(wave(find(ms, 'StatefulSet', 'gateway'))).toBe('2');
    expect(wave(find(ms, 'StatefulSet', 'alloy-metrics'))).toBe('2');
    expect(wave(find(ms, 'StatefulSet', 'alloy-logs'))).toBe('2');
    for (const name of ['traces', 'logs', 'metrics', 'alerts']) {
      expect({ name, wave: wave(find(ms, 'Deployment', name)) }).toEqual({ name, wave: '1' });
    }
    expect(wave(find(ms, 'Deployment', 'dashboards'))).toBe('3');
    expect(wave(find(ms, 'ConfigMap', 'dashboards-dashboards'))).toBe('3');
    expect(wave(find(ms, 'ConfigMap', 'traces-config'))).toBe('0');
    // the node-logs DaemonSet is a collector too
    const withNodeLogs = manifestsOf(new ObservabilityStack(testApp(), 'observability', { nodeLogs: true }));
    expect(wave(find(withNodeLogs, 'DaemonSet', 'alloy-node-logs'))).toBe('2');
  });

  test('scrape jobs and alert selectors follow the names', () => {
    const jobs = (stack.prometheus.renderConfig().match(/job_name: (\S+)/g) ?? []).map((j) => j.slice('job_name: '.length));
    expect(jobs).toEqual(['metrics', 'gateway', 'alloy-metrics', 'alloy-logs', 'alerts', 'traces', 'logs', 'dashboards']);
    const alert = (name: string) => stack.prometheus.alerts.find((a) => a.alert === name)!.expr;
    expect(alert('TelemetryComponentDown')).toBe('up{job=~"metrics|gateway|alloy-metrics|alloy-logs|alerts|traces|logs|dashboards"} == 0');
    expect(alert('AlloyReceiverRefusing')).toContain('job="gateway"');
    expect(alert('LokiDiscardingLogs')).toContain('job="logs"');
    expect(alert('TempoDiscardingSpans')).toContain('job="traces"');
    expect(alert('PrometheusSamplesTooOld')).toContain('job="metrics"');
  });

  test('NetworkPolicies select the renamed workloads\' pods', () => {
    const policies = ms.filter((m) => m.kind === 'NetworkPolicy');
    const selects = (name: string) => policies.some((p) => p.spec.podSelector.matchLabels?.['app.kubernetes.io/name'] === name);
    for (const name of ['gateway', 'traces', 'logs', 'metrics', 'dashboards', 'alerts']) {
      expect({ name, selected: selects(name) }).toEqual({ name, selected: true });
    }
    // each workload's policy is named after it
    for (const name of ['gateway', 'traces', 'logs', 'metrics', 'dashboards', 'alerts']) {
      expect(find(ms, 'NetworkPolicy', name).spec.podSelector.matchLabels['app.kubernetes.io/name']).toBe(name);
    }
    // Grafana's users, by its role
    expect(find(ms, 'NetworkPolicy', 'dashboards').spec.ingress[0].from).toEqual([{ namespaceSelector: {} }]);
    // the gateway's egress reaches the renamed backends by their pods
    const egress = find(ms, 'NetworkPolicy', 'gateway').spec.egress.map((r: any) => r.to[0].podSelector?.matchLabels['app.kubernetes.io/name']);
    expect(egress).toEqual(expect.arrayContaining(['metrics', 'logs', 'traces']));
  });
});
