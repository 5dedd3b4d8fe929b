/**
 * Grafana with Tempo, Prometheus and Loki provisioned as data sources with fixed uids.
 */
import { Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { dump } from 'js-yaml';
import { assertDnsSubdomain } from '../validation';
import { WorkloadProps } from './common-props';
import { GrafanaDatasource, IDatasource } from './datasource';
import { ServerWorkload } from './server-workload';
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
}

const PORT = 3000;
const DATA = '/var/lib/grafana';

export class Grafana extends Construct {
  public readonly workload: ServerWorkload;
  /** `http://grafana:3000`. */
  public readonly url: string;
  private readonly datasources: GrafanaDatasource[] = [];

  public constructor(scope: Construct, id: string, props: GrafanaProps) {
    super(scope, id);
    const adminSecretName = props.adminSecretName ?? 'grafana-admin';
    assertDnsSubdomain(this.node.path, 'adminSecretName', adminSecretName);
    const env = (name: string, value: string) => ({ name, value });
    this.workload = new ServerWorkload(this, 'server', {
      namespace: props.namespace,
      name: 'grafana',
      instance: props.instance ?? 'observability',
      component: 'dashboards',
      image: props.image ?? IMAGES.grafana,
      env: [
        env('GF_PATHS_DATA', DATA),
        env('GF_PATHS_LOGS', '/var/log/grafana'),
        env('GF_PATHS_PLUGINS', `${DATA}/plugins`),
        env('GF_PATHS_PROVISIONING', '/etc/grafana/provisioning'),
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
        mountPath: '/etc/grafana/provisioning/datasources',
        data: { 'datasources.yaml': Lazy.any({ produce: () => this.renderDatasources() }) },
      },
      writablePaths: [
        { name: 'data', mountPath: DATA },
        { name: 'logs', mountPath: '/var/log/grafana' },
      ],
    });
    this.url = `http://${this.workload.host}:${PORT}`;
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

  /** The datasource provisioning file. */
  public renderDatasources(): string {
    const datasources = this.datasources.map((d) => ({
      name: d.name,
      type: d.type,
      uid: d.uid,
      access: 'proxy',
      url: d.url,
      isDefault: d.isDefault ?? false,
      editable: false,
      jsonData: d.jsonData ?? {},
    }));
    return dump({ apiVersion: 1, datasources }, { lineWidth: -1 });
  }
}
