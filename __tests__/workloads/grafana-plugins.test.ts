/**
 * Grafana's plugin preinstalling: off unless asked (the stack's NetworkPolicies deny the
 * egress to grafana.com it needs), and when asked, exactly the plugins listed.
 */
import { Testing } from 'cdk8s';
import { Grafana, GrafanaProps } from '../../lib';
import { GRAFANA_DEFAULT_PREINSTALL_PLUGINS } from '../../lib/workloads';
import { schemaErrors } from '../support/k8s-schema';
import { find, manifestsOf } from '../support/manifests';

/** The Grafana container's env, with its GF_PLUGINS_* variables by name. */
function pluginEnv(props: Partial<GrafanaProps> = {}): { env: any[]; plugins: Record<string, string> } {
  const chart = Testing.chart();
  new Grafana(chart, 'grafana', { namespace: 'obs', dashboards: false, ...props });
  const ms = manifestsOf(chart);
  for (const m of ms) expect(schemaErrors(m)).toEqual([]);
  const env: any[] = find(ms, 'Deployment', 'grafana').spec.template.spec.containers[0].env;
  return { env, plugins: Object.fromEntries(env.filter((e) => e.name.startsWith('GF_PLUGINS_')).map((e) => [e.name, e.value])) };
}

describe('Grafana plugins', () => {
  test('by default preinstalling is off: Grafana downloads nothing, not even its Drilldown apps', () => {
    expect(pluginEnv().plugins).toEqual({ GF_PLUGINS_PREINSTALL_DISABLED: 'true' });
  });

  test('preinstallPlugins installs exactly those: the default Drilldown apps not listed are disabled', () => {
    const { plugins, env } = pluginEnv({ preinstallPlugins: ['grafana-clock-panel@2.1.8', 'grafana-lokiexplore-app'] });
    expect(plugins).toEqual({
      GF_PLUGINS_PREINSTALL_DISABLED: 'false',
      GF_PLUGINS_PREINSTALL: 'grafana-clock-panel@2.1.8,grafana-lokiexplore-app',
      GF_PLUGINS_DISABLE_PLUGINS: 'grafana-pyroscope-app,grafana-exploretraces-app,grafana-metricsdrilldown-app',
    });
    // plain values, beside the other settings; the admin password still comes from its Secret
    expect(env.filter((e) => e.name.startsWith('GF_PLUGINS_')).every((e) => e.valueFrom === undefined)).toBe(true);
    expect(env.find((e) => e.name === 'GF_SECURITY_ADMIN_PASSWORD').valueFrom).toEqual({ secretKeyRef: { name: 'grafana-admin', key: 'admin-password' } });
  });

  test('the default list spread in keeps every Drilldown app, and nothing is disabled', () => {
    const { plugins } = pluginEnv({ preinstallPlugins: [...GRAFANA_DEFAULT_PREINSTALL_PLUGINS, 'yesoreyeram-infinity-datasource'] });
    expect(plugins).toEqual({
      GF_PLUGINS_PREINSTALL_DISABLED: 'false',
      GF_PLUGINS_PREINSTALL: 'grafana-lokiexplore-app,grafana-pyroscope-app,grafana-exploretraces-app,grafana-metricsdrilldown-app,yesoreyeram-infinity-datasource',
    });
  });

  test.each([
    ['preinstallPlugins is empty', [], 'test/grafana: preinstallPlugins is empty (got []); leave it out to install nothing, or name at least one plugin'],
    ['a plugin id has capitals', ['Grafana-Clock-Panel'],
      'test/grafana: invalid plugin in preinstallPlugins (got "Grafana-Clock-Panel"); use a grafana.com catalog id, optionally with a version, such as "grafana-clock-panel" or "grafana-clock-panel@2.1.8"'],
    ['two plugins are given as one comma-separated string', ['grafana-clock-panel,grafana-polystat-panel'], 'test/grafana: invalid plugin in preinstallPlugins (got "grafana-clock-panel,grafana-polystat-panel")'],
    ['a plugin id has no organisation', ['clock'], 'test/grafana: invalid plugin in preinstallPlugins (got "clock")'],
    ['a version is not x.y.z', ['grafana-clock-panel@latest'], 'test/grafana: invalid plugin in preinstallPlugins (got "grafana-clock-panel@latest")'],
    ['a download URL is given', ['grafana-clock-panel@2.1.8@https://example.com/clock.zip'], 'test/grafana: invalid plugin in preinstallPlugins (got "grafana-clock-panel@2.1.8@https://example.com/clock.zip")'],
    ['a plugin is listed twice', ['grafana-clock-panel', 'grafana-clock-panel@2.1.8'],
      'test/grafana: plugin "grafana-clock-panel" is listed twice in preinstallPlugins (got grafana-clock-panel, grafana-clock-panel@2.1.8); list each plugin once'],
  ])('fails when %s', (_, preinstallPlugins, message) => {
    expect(() => new Grafana(Testing.chart(), 'grafana', { namespace: 'obs', dashboards: false, preinstallPlugins })).toThrow(message);
  });
});
