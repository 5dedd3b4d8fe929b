/**
 * Alertmanager: receives Prometheus's alerts, groups and deduplicates them, and sends them to
 * people. Receivers and routes are typed props; credentials come from Kubernetes Secrets,
 * mounted as files, never written into the config.
 */
import { Construct } from 'constructs';
import { dump } from 'js-yaml';
import { Volume, VolumeMount } from '../../imports/k8s';
import { SecretKey } from '../alloy';
import { assertNoCredentialsInUrl } from '../pipelines';
import { assertDnsSubdomain, firstDuplicate, parseDuration, parseSize } from '../validation';
import { DEFAULT_INSTANCE, WorkloadProps } from './common-props';
import { Connections, Peer } from './connections';
import { IAlertmanager } from './prometheus';
import { ServerWorkload } from './server-workload';
import { IMAGES } from './versions';


/** A webhook receiver: alerts are POSTed as JSON to `url`. */
export interface WebhookReceiver {
  /** Where alerts go, such as `https://hooks.example.com/alerts`. */
  readonly url: string;
  /** A bearer token sent as `Authorization: Bearer ...`, from a Secret. @default - none */
  readonly bearerToken?: SecretKey;
  /** Also send resolved notifications. @default true */
  readonly sendResolved?: boolean;
}

/** A Slack (or Slack-compatible) incoming-webhook receiver. */
export interface SlackReceiver {
  /** The incoming-webhook URL, which is a credential: from a Secret. */
  readonly apiUrl: SecretKey;
  /** Such as "#alerts". */
  readonly channel: string;
  /** @default true */
  readonly sendResolved?: boolean;
}

/** A named receiver; it may have several integrations. */
export interface AlertReceiverConfig {
  /** The receiver's name, used by routes. */
  readonly name: string;
  /** @default - none */
  readonly webhooks?: readonly WebhookReceiver[];
  /** @default - none */
  readonly slack?: readonly SlackReceiver[];
}

/** A sub-route: alerts matching all `matchers` go to `receiver`. */
export interface AlertRoute {
  /** Alertmanager matchers, such as `severity="critical"`. */
  readonly matchers: readonly string[];
  readonly receiver: string;
  /** Keep matching later routes too. @default false */
  readonly continue?: boolean;
}

export interface AlertmanagerProps extends WorkloadProps {
  /**
   * Receivers. A receiver named "default" takes what no route matches; without one, those
   * alerts are kept in Alertmanager (visible in its UI and API) and sent nowhere.
   *
   * @default - one "default" receiver with no integrations
   */
  readonly receivers?: readonly AlertReceiverConfig[];
  /** Routes tried in order before the default receiver. @default - none */
  readonly routes?: readonly AlertRoute[];
  /** Labels that make one group. @default ["alertname", "namespace", "job"] */
  readonly groupBy?: readonly string[];
  /** Wait before the first notification of a group: a duration, whole numbers with y, w, d, h, m, s, ms, such as "30s". @default "30s" */
  readonly groupWait?: string;
  /** Wait before notifying about new alerts in a group: a duration, whole numbers with y, w, d, h, m, s, ms, such as "5m". @default "5m" */
  readonly groupInterval?: string;
  /**
   * Resend a still-firing alert after: a duration, whole numbers with y, w, d, h, m, s, ms, such as "4h" or "1d". Not
   * below `groupInterval`: Alertmanager resends only when it flushes a group, every `groupInterval`.
   *
   * @default "4h"
   */
  readonly repeatInterval?: string;
  /**
   * Size of the data volume, which keeps silences and the notification log across restarts
   * (both are small snapshot files).
   *
   * @default "1Gi"
   */
  readonly storageSize?: string;
  /** @default - the cluster's default StorageClass */
  readonly storageClassName?: string;
}

const PORT = 9093;
const CONFIG_DIR = '/etc/alertmanager/config';
const SECRETS_DIR = '/etc/alertmanager/secrets';
/**
 * `--storage.path`. Alertmanager keeps two files here, each a snapshot of state it otherwise
 * holds in memory: `silences` and `nflog` (the notification log: what was sent to whom and
 * when, which stops a restart from re-sending every firing alert). It loads them at start
 * and writes them every `--data.maintenance-interval` (15m) and at shutdown
 * (prometheus/alertmanager@v0.29.0: cmd/alertmanager/main.go:147-149, 269-318;
 * silence/silence.go:367-383, 442-462; nflog/nflog.go:274, 303-366). Both keep entries for
 * `--data.retention`, 120h by default (main.go:148), so they stay small: a PVC of 1Gi is
 * plenty, and without one every restart forgets all silences.
 */
const DATA = '/alertmanager';

/**
 * The Watchdog heartbeat: the always-firing Watchdog alert is sent to the "watchdog" receiver
 * about once a minute, for a dead man's switch to expect. Alertmanager flushes a group every
 * group_interval, and at a flush resends an unchanged group only when its last notification
 * is older than repeat_interval (prometheus/alertmanager@v0.29.0: notify/notify.go:696-697).
 * The log stamps that notification after the send (notify/notify.go:441-443,
 * nflog/nflog.go:382), while the next flush is timed from before it
 * (dispatch/dispatch.go:465-467): a repeat_interval equal to group_interval races the send
 * and mostly misses every other flush (a heartbeat every 2 minutes, as reported in
 * prometheus/alertmanager#676 for 5m/5m giving 10m), and one below
 * group_interval makes Alertmanager warn at start (cmd/alertmanager/main.go:510-520).
 * Hence a flush every half period and a repeat at three quarters of it: the resend falls on
 * the second flush, one period after the last, with a quarter period to spare either way.
 * group_wait 0s sends the first heartbeat as soon as the alert arrives, also after a restart.
 */
const HEARTBEAT_SECONDS = 60;
/** `--data.retention`'s default, 120h (alertmanager cmd/alertmanager/main.go). */
const DATA_RETENTION_MS = 120 * 3600e3;
const WATCHDOG_TIMING = {
  group_wait: '0s',
  group_interval: `${HEARTBEAT_SECONDS / 2}s`,
  repeat_interval: `${(HEARTBEAT_SECONDS * 3) / 4}s`,
} as const;

export class Alertmanager extends Construct implements IAlertmanager {
  public readonly workload: ServerWorkload;
  /** `alertmanager:9093`. */
  public readonly alertmanagerAddress: string;
  public readonly alertmanagerPeer: { readonly peer: Peer; readonly port: number };
  /** The rendered alertmanager.yml. */
  public readonly configText: string;
  private readonly outboundPorts: number[];

  public constructor(scope: Construct, id: string, props: AlertmanagerProps) {
    super(scope, id);
    const subject = this.node.path;
    const given = props.receivers ?? [{ name: 'default' }];
    // the always-firing Watchdog goes to its own receiver (a dead man's switch when you give
    // one named "watchdog"), never to people
    const receivers = given.some((r) => r.name === 'watchdog') ? given : [...given, { name: 'watchdog' }];
    const names = given.map((r) => r.name);
    const twice = firstDuplicate(names);
    if (twice !== undefined) {
      throw new Error(`${subject}: two receivers named "${twice}"; give each receiver its own name`);
    }
    if (!names.includes('default')) {
      throw new Error(`${subject}: no receiver named "default" (got ${names.join(', ')}); add one for alerts that no route matches`);
    }
    for (const route of props.routes ?? []) {
      if (!names.includes(route.receiver)) {
        throw new Error(`${subject}: a route sends to receiver "${route.receiver}", which does not exist; use one of ${names.join(', ')}`);
      }
      if (route.matchers.length === 0) {
        throw new Error(`${subject}: a route to "${route.receiver}" has no matchers and would take every alert; add matchers such as severity="critical"`);
      }
    }
    const groupWait = props.groupWait ?? '30s';
    const groupInterval = props.groupInterval ?? '5m';
    const repeatInterval = props.repeatInterval ?? '4h';
    parseDuration(subject, 'groupWait', groupWait);
    const groupIntervalMs = parseDuration(subject, 'groupInterval', groupInterval);
    const repeatIntervalMs = parseDuration(subject, 'repeatInterval', repeatInterval);
    // Alertmanager resends only when it flushes a group, every group_interval: a shorter
    // repeat_interval cannot take effect, and it warns at start
    // (prometheus/alertmanager@v0.29.0: cmd/alertmanager/main.go:510-520)
    if (repeatIntervalMs < groupIntervalMs) {
      throw new Error(
        `${subject}: repeatInterval is below groupInterval (got repeatInterval ${JSON.stringify(repeatInterval)}, groupInterval ${JSON.stringify(groupInterval)}); ` +
        'Alertmanager resends only when it flushes a group, every groupInterval: make repeatInterval at least groupInterval, or groupInterval shorter',
      );
    }
    // the notification log, which says when a group was last sent, is kept --data.retention
    // (120h by default, cmd/alertmanager/main.go); past it, a repeat comes early
    if (repeatIntervalMs > DATA_RETENTION_MS) {
      throw new Error(
        `${subject}: repeatInterval is longer than Alertmanager's 120h data retention (got ${JSON.stringify(repeatInterval)}); ` +
        'the notification log forgets a group sooner, so it would be notified again early: use at most "120h"',
      );
    }
    const storageSize = props.storageSize ?? '1Gi';
    parseSize(subject, 'storageSize', storageSize, 'kubernetes');
    if (props.storageClassName !== undefined) assertDnsSubdomain(subject, 'storageClassName', props.storageClassName);

    // every referenced Secret is mounted once, read-only, under secrets/<name>/
    const secrets = new Set<string>();
    const fileOf = (ref: SecretKey): string => {
      assertDnsSubdomain(subject, 'Secret name', ref.name);
      if (!/^[-._a-zA-Z0-9]+$/.test(ref.key)) {
        throw new Error(`${subject}: invalid key of Secret ${ref.name} (got ${JSON.stringify(ref.key)}); use letters, digits, "-", "_" and "."`);
      }
      secrets.add(ref.name);
      return `${SECRETS_DIR}/${ref.name}/${ref.key}`;
    };
    const config = {
      route: {
        receiver: 'default',
        group_by: [...(props.groupBy ?? ['alertname', 'namespace', 'job'])],
        group_wait: groupWait,
        group_interval: groupInterval,
        repeat_interval: repeatInterval,
        routes: [
          { receiver: 'watchdog', matchers: ['alertname="Watchdog"'], ...WATCHDOG_TIMING },
          ...(props.routes ?? []).map((r) => ({ receiver: r.receiver, matchers: [...r.matchers], continue: r.continue ?? false })),
        ],
      },
      // a component that is down explains the other alerts about it: send only that one
      inhibit_rules: [{
        source_matchers: ['alertname="TelemetryComponentDown"'],
        target_matchers: ['alertname!="TelemetryComponentDown"'],
        equal: ['instance'],
      }],
      receivers: receivers.map((r) => ({
        name: r.name,
        ...(r.webhooks?.length ? {
          webhook_configs: r.webhooks.map((w) => {
            assertNoCredentialsInUrl(`${subject}: receiver "${r.name}"`, w.url);
            if (!/^https?:\/\/\S+$/.test(w.url)) {
              throw new Error(`${subject}: receiver "${r.name}": invalid webhook url (got ${JSON.stringify(w.url)}); use an http(s) URL`);
            }
            return {
              url: w.url,
              send_resolved: w.sendResolved ?? true,
              ...(w.bearerToken ? { http_config: { authorization: { credentials_file: fileOf(w.bearerToken) } } } : {}),
            };
          }),
        } : {}),
        ...(r.slack?.length ? {
          slack_configs: r.slack.map((sl) => ({ api_url_file: fileOf(sl.apiUrl), channel: sl.channel, send_resolved: sl.sendResolved ?? true })),
        } : {}),
      })),
    };
    this.configText = dump(config, { lineWidth: -1 });
    // webhooks go to their URL's port; Slack-style URLs are secret, and HTTPS
    this.outboundPorts = [...new Set(receivers.flatMap((r) => [
      ...(r.webhooks ?? []).map((w) => { const u = new URL(w.url); return u.port !== '' ? Number(u.port) : u.protocol === 'https:' ? 443 : 80; }),
      ...((r.slack ?? []).length > 0 ? [443] : []),
    ]))].sort((a, b) => a - b);
    const extraVolumes: Array<{ volume: Volume; mount: VolumeMount }> = [...secrets].sort().map((name, i) => ({
      volume: { name: `secret-${i}`, secret: { secretName: name, defaultMode: 0o440 } },
      mount: { name: `secret-${i}`, mountPath: `${SECRETS_DIR}/${name}`, readOnly: true },
    }));

    this.workload = new ServerWorkload(this, 'server', {
      namespace: props.namespace,
      name: props.name ?? 'alertmanager',
      instance: props.instance ?? DEFAULT_INSTANCE,
      component: 'alerting',
      image: props.image ?? IMAGES.alertmanager,
      args: [
        `--config.file=${CONFIG_DIR}/alertmanager.yml`,
        `--storage.path=${DATA}`,
        `--web.listen-address=0.0.0.0:${PORT}`,
        // one replica: no gossip cluster
        '--cluster.listen-address=',
      ],
      ports: [{ name: 'http', port: PORT, appProtocol: 'http' }],
      readiness: { path: '/-/ready', port: 'http' },
      liveness: { path: '/-/healthy', port: 'http' },
      runAs: { uid: 65534, gid: 65534 },
      resources: props.resources ?? { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '250m', memory: '256Mi' } },
      configFiles: { mountPath: CONFIG_DIR, data: { 'alertmanager.yml': this.configText } },
      // silences and the notification log survive restarts (see DATA)
      controller: { kind: 'Deployment', storage: { mountPath: DATA, size: storageSize, storageClassName: props.storageClassName } },
      extraVolumes,
    });
    this.alertmanagerAddress = `${this.workload.host}:${PORT}`;
    this.alertmanagerPeer = { peer: this.workload.peer, port: PORT };
    // its receivers, outside the cluster
    for (const port of this.outboundPorts) Connections.of(this).allowExternal(this.workload.peer, port, 'internet');
  }

  /** The ports its receivers send to, for its egress policy. */
  public receiverPorts(): number[] {
    return [...this.outboundPorts];
  }
}
