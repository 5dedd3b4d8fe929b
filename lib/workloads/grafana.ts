/**
 * Grafana with Tempo, Prometheus and Loki provisioned as data sources with fixed uids,
 * linked to each other (exemplars -> traces, traces -> logs and metrics, service map, log
 * trace IDs -> traces), and the telemetry-health dashboards provisioned from a ConfigMap.
 */
import { Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { dump } from 'js-yaml';
import { KubeConfigMap } from '../../imports/k8s';
import { assertDnsSubdomain } from '../validation';
import { DEFAULT_INSTANCE, WorkloadProps } from './common-props';
import { DashboardFile, alloyDashboard, backendsDashboard } from './dashboards';
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
  /** Provision the telemetry-health dashboards (they query the first metrics data source). @default true */
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
}

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
  private readonly namespace: string;

  public constructor(scope: Construct, id: string, props: GrafanaProps) {
    super(scope, id);
    this.namespace = props.namespace;
    const adminSecretName = props.adminSecretName ?? 'grafana-admin';
    assertDnsSubdomain(this.node.path, 'adminSecretName', adminSecretName);
    const instance = props.instance ?? DEFAULT_INSTANCE;
    const image = props.image ?? IMAGES.grafana;
    const env = (name: string, value: string) => ({ name, value });
    const extraVolumes = [];
    if (props.dashboards ?? true) {
      const name = 'grafana-dashboards';
      this.dashboardsConfigMap = new KubeConfigMap(this, 'dashboards', {
        metadata: { name, namespace: props.namespace, labels: workloadLabels({ name: 'grafana', instance, component: 'dashboards', image }) },
        data: Lazy.any({ produce: () => this.renderDashboards() }),
      });
      extraVolumes.push({
        volume: { name: 'dashboards', configMap: { name } },
        mount: { name: 'dashboards', mountPath: `${PROVISIONING}/dashboards`, readOnly: true },
      });
    }
    this.workload = new ServerWorkload(this, 'server', {
      namespace: props.namespace,
      name: 'grafana',
      instance,
      component: 'dashboards',
      image,
      env: [
        env('GF_PATHS_DATA', DATA),
        env('GF_PATHS_LOGS', '/var/log/grafana'),
        env('GF_PATHS_PLUGINS', `${DATA}/plugins`),
        env('GF_PATHS_PROVISIONING', PROVISIONING),
        env('GF_LOG_MODE', 'console'),
        env('GF_LOG_LEVEL', 'info'),
        env('GF_ANALYTICS_REPORTING_ENABLED', 'false'),
        env('GF_ANALYTICS_CHECK_FOR_UPDATES', 'false'),
        env('GF_ANALYTICS_CHECK_FOR_PLUGIN_UPDATES', 'false'),
        {
          name: 'GF_SECURITY_ADMIN_PASSWORD',
          valueFrom: { secretKeyRef: { name: adminSecretName, key: 'admin-password' } },
        },
      ],
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
      storage: props.storageSize === undefined ? undefined : { mountPath: DATA, size: props.storageSize, storageClassName: props.storageClassName },
      extraVolumes,
    });
    this.url = `http://${this.workload.host}:${PORT}`;
    this.metricsAddress = `${this.workload.host}:${PORT}`;
    (props.datasources ?? []).forEach((d) => this.addDatasource(d));
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
    this.datasources.push(ds);
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
    const datasources = this.datasources.map((d) => {
      const headers = Object.entries(d.httpHeaders ?? {});
      const jsonData: Record<string, unknown> = { ...correlations(d), ...(d.jsonData ?? {}) };
      headers.forEach(([name], i) => { jsonData[`httpHeaderName${i + 1}`] = name; });
      return {
        name: d.name,
        type: d.type,
        uid: d.uid,
        access: 'proxy',
        url: d.url,
        isDefault: d.isDefault ?? false,
        editable: false,
        jsonData,
        // header values such as the Loki tenant are not secret; Grafana keeps all header values here
        ...(headers.length ? { secureJsonData: Object.fromEntries(headers.map(([, value], i) => [`httpHeaderValue${i + 1}`, value])) } : {}),
      };
    });
    return dump({ apiVersion: 1, datasources }, { lineWidth: -1 });
  }

  /** The dashboards ConfigMap's data: a provider file and the dashboards' JSON. */
  public renderDashboards(): Record<string, string> {
    const metrics = this.datasources.find((d) => d.signal === 'metrics');
    if (metrics === undefined) {
      throw new Error(`${this.node.path}: the dashboards need a metrics data source (such as Prometheus); add one, or set dashboards: false`);
    }
    const files: DashboardFile[] = [alloyDashboard(metrics.uid), backendsDashboard(metrics.uid, this.namespace)];
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
