/**
 * Grafana with Tempo, Prometheus and Loki provisioned as data sources with fixed uids,
 * linked to each other (exemplars -> traces, traces -> logs and metrics, service map, log
 * trace IDs -> traces), and the telemetry-health dashboards provisioned from a ConfigMap.
 */
import { Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { dump } from 'js-yaml';
import { EnvVar, KubeConfigMap } from '../../imports/k8s';
import type { SecretKey } from '../alloy';
import { assertDnsSubdomain, firstDuplicate } from '../validation';
import { DEFAULT_INSTANCE, WorkloadProps } from './common-props';
import { Connections } from './connections';
import { DashboardFile, alloyDashboard, backendsDashboard, dashboardQueries } from './dashboards';
import { GrafanaDatasource, IDatasource } from './datasource';
import { ServerWorkload, workloadLabels } from './server-workload';
import { IMAGES } from './versions';

export interface GrafanaProps extends WorkloadProps {
  /**
   * The Secret holding the admin password (key `admin-password`), read into
   * `GF_SECURITY_ADMIN_PASSWORD`. It is required: Grafana does not start until it exists, so
   * it never runs with the well-known default admin/admin. Create it with
   * `kubectl -n <namespace> create secret generic grafana-admin --from-literal=admin-password=...`.
   *
   * @default "grafana-admin"
   */
  readonly adminSecretName?: string;
  /** @default - none; add them with addDatasource() */
  readonly datasources?: readonly IDatasource[];
  /**
   * Provision the telemetry-health dashboards. They query the first metrics data source that
   * says what it holds (`telemetry()`, such as the stack's Prometheus), else the first metrics
   * data source.
   *
   * @default true
   */
  readonly dashboards?: boolean;
  /**
   * Keep Grafana's database (users, sessions, dashboards saved in the UI) on a PVC of this
   * size. Provisioned data sources and dashboards come back from ConfigMaps either way.
   *
   * @default - an emptyDir: nothing edited in the UI survives a restart
   */
  readonly storageSize?: string;
  /** @default - the cluster's default StorageClass */
  readonly storageClassName?: string;
  /**
   * Plugins Grafana installs from the grafana.com catalog when it starts, and exactly these:
   * catalog ids, each optionally pinned to a version (`"grafana-clock-panel"`,
   * `"grafana-lokiexplore-app@1.0.20"`). Grafana installs them in the background, so it starts
   * even when a download fails (the failure is logged), and, without a `storageSize`, downloads
   * them again at every start. Grafana's own default preinstall list
   * ({@link GRAFANA_DEFAULT_PREINSTALL_PLUGINS}, the Drilldown apps) is disabled unless listed
   * here (`disable_plugins`: not loaded, and hidden in the plugin catalog); spread it in to
   * keep it.
   *
   * It needs egress from Grafana to grafana.com (and the storage it redirects downloads to) on
   * port 443, which the stack's NetworkPolicies deny: allow it yourself, or install nothing.
   *
   * @default - none: plugin preinstalling is off and Grafana downloads nothing
   */
  readonly preinstallPlugins?: readonly string[];
}

/**
 * Grafana 12's default preinstall list: the Drilldown apps, which it merges into any
 * `[plugins] preinstall` list unless `preinstall_disabled` is set (grafana/grafana:
 * pkg/setting/setting_plugins.go, `defaultPreinstallPlugins` and `readPluginSettings`; the
 * merge since grafana/grafana#96402). Other entries there depend on feature toggles that are
 * off by default (`grafanaAdvisor`) or on Grafana Enterprise.
 */
export const GRAFANA_DEFAULT_PREINSTALL_PLUGINS: readonly string[] = [
  'grafana-lokiexplore-app',
  'grafana-pyroscope-app',
  'grafana-exploretraces-app',
  'grafana-metricsdrilldown-app',
];

/** A catalog id (`<org>-<name>-<type>`, lowercase), optionally `@<version>`. */
const PLUGIN = /^([a-z0-9]+(?:-[a-z0-9]+)+)(?:@([0-9]+\.[0-9]+\.[0-9]+(?:[-+][0-9A-Za-z.-]+)?))?$/;

const PORT = 3000;
const DATA = '/var/lib/grafana';
const PROVISIONING = '/etc/grafana/provisioning';

export class Grafana extends Construct {
  public readonly workload: ServerWorkload;
  /** `http://grafana:3000`. */
  public readonly url: string;
  /** `grafana:3000`, where Grafana serves its own metrics. */
  public readonly metricsAddress: string;
  /** The ConfigMap of the dashboards, if any. */
  public readonly dashboardsConfigMap?: KubeConfigMap;
  private readonly datasources: GrafanaDatasource[] = [];
  private metricsSource?: IDatasource;
  /** The Secret keys the data sources' credentials are read from, by environment variable. */
  private readonly secretEnv = new Map<string, SecretKey>();

  public constructor(scope: Construct, id: string, props: GrafanaProps) {
    super(scope, id);
    const adminSecretName = props.adminSecretName ?? 'grafana-admin';
    assertDnsSubdomain(this.node.path, 'adminSecretName', adminSecretName);
    const instance = props.instance ?? DEFAULT_INSTANCE;
    const image = props.image ?? IMAGES.grafana;
    const env = (name: string, value: string): EnvVar => ({ name, value });
    const plugins = preinstallEnv(this.node.path, props.preinstallPlugins);
    const extraVolumes = [];
    if (props.dashboards ?? true) {
      const name = `${props.name ?? 'grafana'}-dashboards`;
      this.dashboardsConfigMap = new KubeConfigMap(this, 'dashboards', {
        metadata: { name, namespace: props.namespace, labels: workloadLabels({ name: props.name ?? 'grafana', instance, component: 'dashboards', image }) },
        data: Lazy.any({ produce: () => this.renderDashboards() }),
      });
      extraVolumes.push({
        volume: { name: 'dashboards', configMap: { name } },
        mount: { name: 'dashboards', mountPath: `${PROVISIONING}/dashboards`, readOnly: true },
      });
    }
    const baseEnv: EnvVar[] = [
      env('GF_PATHS_DATA', DATA),
      env('GF_PATHS_LOGS', '/var/log/grafana'),
      env('GF_PATHS_PLUGINS', `${DATA}/plugins`),
      env('GF_PATHS_PROVISIONING', PROVISIONING),
      env('GF_LOG_MODE', 'console'),
      env('GF_LOG_LEVEL', 'info'),
      env('GF_ANALYTICS_REPORTING_ENABLED', 'false'),
      env('GF_ANALYTICS_CHECK_FOR_UPDATES', 'false'),
      env('GF_ANALYTICS_CHECK_FOR_PLUGIN_UPDATES', 'false'),
      ...plugins.map(([name, value]) => env(name, value)),
      {
        name: 'GF_SECURITY_ADMIN_PASSWORD',
        valueFrom: { secretKeyRef: { name: adminSecretName, key: 'admin-password' } },
      },
    ];
    this.workload = new ServerWorkload(this, 'server', {
      namespace: props.namespace,
      name: props.name ?? 'grafana',
      instance,
      component: 'dashboards',
      image,
      // produced at synth, when every data source (and its credentials) is known
      env: Lazy.any({ produce: () => [...baseEnv, ...this.datasourceEnv()] }) as never,
      ports: [{ name: 'http', port: PORT, appProtocol: 'http' }],
      readiness: { path: '/api/health', port: 'http' },
      liveness: { path: '/api/health', port: 'http' },
      runAs: { uid: 472, gid: 472 },
      resources: props.resources ?? { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '500m', memory: '512Mi' } },
      configFiles: {
        mountPath: `${PROVISIONING}/datasources`,
        data: { 'datasources.yaml': Lazy.any({ produce: () => this.renderDatasources() }) },
      },
      writablePaths: [
        ...(props.storageSize === undefined ? [{ name: 'data', mountPath: DATA }] : []),
        { name: 'logs', mountPath: '/var/log/grafana' },
      ],
      controller: {
        kind: 'Deployment',
        storage: props.storageSize === undefined ? undefined : { mountPath: DATA, size: props.storageSize, storageClassName: props.storageClassName },
      },
      extraVolumes,
    });
    this.url = `http://${this.workload.host}:${PORT}`;
    this.metricsAddress = `${this.workload.host}:${PORT}`;
    // its users come from outside the stack
    Connections.of(this).allowEntry(this.workload.peer, [PORT], 'users');
    (props.datasources ?? []).forEach((d) => this.addDatasource(d));
    this.node.addValidation({ validate: () => this.dashboardProblems() });
  }

  /** Provisions a backend as a data source. */
  public addDatasource(source: IDatasource): void {
    const ds = source.datasource;
    const clash = this.datasources.find((d) => d.uid === ds.uid || d.name === ds.name);
    if (clash) {
      throw new Error(
        `${this.node.path}: data source "${ds.name}" (uid ${ds.uid}) clashes with "${clash.name}" (uid ${clash.uid}); ` +
        'give each data source its own name and uid',
      );
    }
    // the credentials' variables, checked now: a clash fails where the data source is added
    Object.values(datasourceSecrets(ds)).forEach((ref) => this.secretVariable(ref));
    this.datasources.push(ds);
    if (source.datasourcePeer !== undefined) {
      Connections.of(this).allow(this.workload.peer, source.datasourcePeer.peer, source.datasourcePeer.port);
    } else {
      // outside the stack: its URL's port, in another namespace or outside the cluster
      Connections.of(this).allowExternal(this.workload.peer, urlPort(this.node.path, ds), 'anywhere');
    }
    // the dashboards query the first metrics data source that says what it holds
    if (ds.signal === 'metrics' && (this.metricsSource === undefined || (this.metricsSource.telemetry === undefined && source.telemetry !== undefined))) {
      this.metricsSource = source;
    }
  }

  /** The environment variable a Secret key is read into: `SECRET_<NAME>_<KEY>`, as collectors name theirs. */
  private secretVariable(ref: SecretKey): string {
    assertDnsSubdomain(this.node.path, 'Secret name of a data source credential', ref.name);
    if (!/^[-._a-zA-Z0-9]+$/.test(ref.key)) {
      throw new Error(`${this.node.path}: invalid key of Secret ${ref.name} (got ${JSON.stringify(ref.key)}); use letters, digits, "-", "_" and "."`);
    }
    const variable = `SECRET_${ref.name}_${ref.key}`.toUpperCase().replace(/[^A-Z0-9_]/g, '_');
    const other = this.secretEnv.get(variable);
    if (other !== undefined && (other.name !== ref.name || other.key !== ref.key)) {
      throw new Error(`${this.node.path}: Secret keys ${other.name}/${other.key} and ${ref.name}/${ref.key} map to one variable ${variable}; rename one`);
    }
    this.secretEnv.set(variable, ref);
    return variable;
  }

  /** The data sources' credentials, each an environment variable from its Secret key. */
  private datasourceEnv(): EnvVar[] {
    return [...this.secretEnv].sort(([a], [b]) => a.localeCompare(b))
      .map(([name, ref]) => ({ name, valueFrom: { secretKeyRef: { name: ref.name, key: ref.key } } }));
  }

  /**
   * The datasource provisioning file. Each data source is linked to the first data source of
   * the other signals: Prometheus exemplars and Loki trace IDs open Tempo; Tempo opens the
   * logs and metrics of a span and draws the service map from Prometheus.
   */
  public renderDatasources(): string {
    const first = (signal: string) => this.datasources.find((d) => d.signal === signal);
    const traces = first('traces');
    const metrics = first('metrics');
    const logs = first('logs');
    const correlations = (d: GrafanaDatasource): Record<string, unknown> => {
      if (d.signal === 'metrics' && traces) {
        return { exemplarTraceIdDestinations: [{ name: 'trace_id', datasourceUid: traces.uid }] };
      }
      if (d.signal === 'logs' && traces) {
        return {
          derivedFields: [
            { name: 'trace_id', matcherType: 'label', matcherRegex: 'trace_id', datasourceUid: traces.uid, url: '$${__value.raw}', urlDisplayLabel: 'Open trace' },
            { name: 'traceID', matcherType: 'regex', matcherRegex: '(?:trace_?id|traceID)[=:\\s"]+(\\w+)', datasourceUid: traces.uid, url: '$${__value.raw}', urlDisplayLabel: 'Open trace' },
          ],
        };
      }
      if (d.signal === 'traces') {
        return {
          // Loki indexes service.name as service_name when logs arrive over OTLP
          ...(logs ? {
            tracesToLogsV2: {
              datasourceUid: logs.uid, filterByTraceID: true, spanStartTimeShift: '-5m', spanEndTimeShift: '5m',
              tags: [{ key: 'service.name', value: 'service_name' }],
            },
          } : {}),
          ...(metrics ? {
            tracesToMetrics: {
              datasourceUid: metrics.uid,
              spanStartTimeShift: '-5m',
              spanEndTimeShift: '5m',
              tags: [{ key: 'service.name', value: 'service' }],
              queries: [{ name: 'Request rate', query: 'sum(rate(traces_spanmetrics_calls_total{$$__tags}[5m]))' }],
            },
            serviceMap: { datasourceUid: metrics.uid },
          } : {}),
          nodeGraph: { enabled: true },
        };
      }
      return {};
    };
    // a secret is read from the environment variable Grafana's container gets from its Secret
    // (`${VAR}`, expanded when the file is provisioned): never a value in the ConfigMap
    const fromEnv = (ref: SecretKey) => `\${${this.secretVariable(ref)}}`;
    const datasources = this.datasources.map((d) => {
      const c = d.credentials;
      const headers = [
        ...Object.entries(d.httpHeaders ?? {}),
        ...(c?.bearerToken ? [['Authorization', `Bearer ${fromEnv(c.bearerToken)}`]] : []),
      ];
      const jsonData: Record<string, unknown> = { ...correlations(d), ...(d.jsonData ?? {}) };
      headers.forEach(([name], i) => { jsonData[`httpHeaderName${i + 1}`] = name; });
      const secure: Record<string, string> = {
        // header values such as the Loki tenant are not secret; Grafana keeps all header values here
        ...Object.fromEntries(headers.map(([, value], i) => [`httpHeaderValue${i + 1}`, value])),
        ...(c?.basicAuth ? { basicAuthPassword: fromEnv(c.basicAuth.password) } : {}),
      };
      return {
        name: d.name,
        type: d.type,
        uid: d.uid,
        access: 'proxy',
        url: d.url,
        isDefault: d.isDefault ?? false,
        editable: false,
        ...(c?.basicAuth ? { basicAuth: true, basicAuthUser: c.basicAuth.username } : {}),
        jsonData,
        ...(Object.keys(secure).length ? { secureJsonData: secure } : {}),
      };
    });
    return dump({ apiVersion: 1, datasources }, { lineWidth: -1 });
  }

  /** Every dashboard query, checked against what the metrics data source holds. */
  private dashboardProblems(): string[] {
    const check = this.metricsSource?.queryProblems?.bind(this.metricsSource);
    if (this.dashboardsConfigMap === undefined || check === undefined) return [];
    let files: Record<string, string>;
    try {
      files = this.renderDashboards();
    } catch (e) {
      return [(e as Error).message];
    }
    return Object.entries(files).filter(([name]) => name.endsWith('.json')).flatMap(([name, json]) =>
      dashboardQueries({ fileName: name, uid: name, json }).flatMap((q) => check(`${this.node.path}: dashboard ${name}, panel "${q.panel}"`, q.expr)));
  }

  /** The dashboards ConfigMap's data: a provider file and the dashboards' JSON. */
  public renderDashboards(): Record<string, string> {
    const metrics = this.metricsSource;
    if (metrics === undefined) {
      throw new Error(`${this.node.path}: the dashboards need a metrics data source (such as Prometheus); add one, or set dashboards: false`);
    }
    if (metrics.telemetry === undefined) {
      throw new Error(
        `${this.node.path}: the dashboards are built from what the metrics data source holds, and "${metrics.datasource.name}" does not say ` +
        '(got a data source without telemetry()); use the stack\'s Prometheus, or set dashboards: false',
      );
    }
    const ctx = metrics.telemetry();
    const files: DashboardFile[] = [alloyDashboard(metrics.datasource.uid, ctx), backendsDashboard(metrics.datasource.uid, ctx)];
    const provider = {
      apiVersion: 1,
      providers: [{
        name: 'cdk8s-alloy',
        folder: 'Telemetry health',
        type: 'file',
        disableDeletion: true,
        allowUiUpdates: false,
        options: { path: `${PROVISIONING}/dashboards`, foldersFromFilesStructure: false },
      }],
    };
    return {
      'dashboards.yaml': dump(provider, { lineWidth: -1 }),
      ...Object.fromEntries(files.map((f) => [f.fileName, f.json])),
    };
  }
}

/** The Secret keys a data source's credentials are read from. */
function datasourceSecrets(ds: GrafanaDatasource): Record<string, SecretKey> {
  const c = ds.credentials;
  if (c?.basicAuth && c.bearerToken) {
    throw new Error(`data source "${ds.name}": both bearerToken and basicAuth are set; a data source takes one kind of credentials`);
  }
  return { ...(c?.bearerToken ? { bearerToken: c.bearerToken } : {}), ...(c?.basicAuth ? { password: c.basicAuth.password } : {}) };
}

/** The port of a data source's URL (the scheme's, when it names none). */
function urlPort(subject: string, ds: GrafanaDatasource): number {
  let url: URL;
  try {
    url = new URL(ds.url);
  } catch {
    throw new Error(`${subject}: data source "${ds.name}" has an invalid URL (got ${JSON.stringify(ds.url)}); use an http(s) URL`);
  }
  return url.port !== '' ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
}

/**
 * The `[plugins]` settings, as `GF_PLUGINS_*` variables (Grafana reads `GF_<SECTION>_<KEY>`
 * over its ini files: pkg/setting/setting.go, `EnvKey`). Grafana 11.3 and later install a
 * default list of plugins from grafana.com at every start unless `preinstall_disabled` is set
 * (pkg/setting/setting_plugins.go, `readPluginSettings`); the stack's NetworkPolicies deny that
 * egress, so without `preinstallPlugins` it is off and Grafana logs no failed downloads. With
 * them, the default list is turned off plugin by plugin through `disable_plugins`, the one
 * opt-out Grafana keeps besides switching preinstall off (grafana/grafana#96402).
 */
function preinstallEnv(subject: string, plugins: readonly string[] | undefined): Array<[string, string]> {
  if (plugins === undefined) {
    return [['GF_PLUGINS_PREINSTALL_DISABLED', 'true']];
  }
  if (plugins.length === 0) {
    throw new Error(`${subject}: preinstallPlugins is empty (got []); leave it out to install nothing, or name at least one plugin`);
  }
  const ids = plugins.map((p) => {
    const m = PLUGIN.exec(p);
    if (m === null) {
      throw new Error(
        `${subject}: invalid plugin in preinstallPlugins (got ${JSON.stringify(p)}); ` +
        'use a grafana.com catalog id, optionally with a version, such as "grafana-clock-panel" or "grafana-clock-panel@2.1.8"',
      );
    }
    return m[1];
  });
  const twice = firstDuplicate(ids);
  if (twice !== undefined) {
    throw new Error(`${subject}: plugin "${twice}" is listed twice in preinstallPlugins (got ${plugins.join(', ')}); list each plugin once`);
  }
  const notAsked = GRAFANA_DEFAULT_PREINSTALL_PLUGINS.filter((d) => !ids.includes(d));
  return [
    ['GF_PLUGINS_PREINSTALL_DISABLED', 'false'],
    ['GF_PLUGINS_PREINSTALL', plugins.join(',')],
    ...(notAsked.length > 0 ? [['GF_PLUGINS_DISABLE_PLUGINS', notAsked.join(',')] as [string, string]] : []),
  ];
}
