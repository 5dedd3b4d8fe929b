/**
 * Loki and Tempo on object storage, scaled out: the configs each variant renders (checked
 * against the programs' key trees, unknown keys rejected), the objects around them (strict
 * Kubernetes schema, restricted pod security), what may reach what, and the inputs refused.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart, Testing } from 'cdk8s';
import { load } from 'js-yaml';
import { Loki, ObservabilityStack, ObservabilityStackProps, Tempo } from '../../lib';
import { ObjectStorage } from '../../lib/workloads/object-storage';
import { windowsTable } from '../../lib/stack/outage-budget';
import { backendSchema, configProblems } from '../support/backend-schema';
import { schemaErrors } from '../support/k8s-schema';
import { Manifest, find, manifestsOf, testApp } from '../support/manifests';
import { restrictedViolations } from '../support/pod-security';

const MINIO: ObjectStorage = {
  type: 's3', bucket: 'telemetry', endpoint: 'minio.storage:9000', forcePathStyle: true, insecure: true, credentials: { secretName: 'minio-credentials' },
};
const AWS: ObjectStorage = { type: 's3', bucket: 'telemetry', region: 'eu-west-1' };
const GCS: ObjectStorage = { type: 'gcs', bucket: 'telemetry', serviceAccount: { secretName: 'gcs-key' } };
const AZURE: ObjectStorage = { type: 'azure', container: 'telemetry', accountName: 'stacktelemetry', accountKey: { secretName: 'azure-storage' } };
const STORES: Array<[string, ObjectStorage]> = [['s3', MINIO], ['gcs', GCS], ['azure', AZURE]];

function build(props: ObservabilityStackProps) {
  const stack = new ObservabilityStack(testApp(), 'observability', props);
  const ms = manifestsOf(stack);
  return {
    stack,
    ms,
    loki: () => load(find(ms, 'ConfigMap', 'loki-config').data['loki.yaml']) as any,
    tempo: () => load(find(ms, 'ConfigMap', 'tempo-config').data['tempo.yaml']) as any,
    container: (name: string) => find(ms, 'StatefulSet', name).spec.template.spec.containers[0],
    policy: (name: string) => find(ms, 'NetworkPolicy', name).spec,
  };
}
/** Loki and Tempo on the same kind of store, each with its own bucket. */
function both(storage: ObjectStorage, replicas: number) {
  const other: ObjectStorage = storage.type === 'azure' ? { ...storage, container: 'traces' } : { ...storage, bucket: 'traces' };
  return build({ loki: { objectStorage: storage, replicas }, tempo: { objectStorage: other, replicas } });
}

function synthFails(props: ObservabilityStackProps, message: string): void {
  const app: App = testApp();
  new ObservabilityStack(app, 'observability', props);
  expect(() => app.synth()).toThrow(message);
}

describe('every variant renders configs both programs accept, and objects the cluster accepts', () => {
  const loki = backendSchema('loki-3.7.6');
  const tempo = backendSchema('tempo-2.10.8');
  test.each(STORES.flatMap(([type, storage]) => [1, 3].map((replicas) => [type, replicas, storage] as const)))('%s with %i replica(s)', (_type, replicas, storage) => {
    const b = both(storage, replicas);
    // the configs as the programs read them: placeholders stay strings of the right keys
    expect(configProblems(b.loki(), loki)).toEqual([]);
    expect(configProblems(b.tempo(), tempo)).toEqual([]);
    // every object against the Kubernetes 1.28 schema, strict; every pod restricted
    expect(b.ms.flatMap((m) => schemaErrors(m).map((e) => `${m.kind}/${m.metadata.name}: ${e}`))).toEqual([]);
    expect(b.ms.filter((m) => m.spec?.template?.spec).flatMap((m) => restrictedViolations(m.spec.template.spec).map((v) => `${m.metadata.name}: ${v}`))).toEqual([]);
    // a StatefulSet each, governed by its headless Service; no claim or Deployment of before
    for (const name of ['loki', 'tempo']) {
      expect(find(b.ms, 'StatefulSet', name).spec).toMatchObject({ replicas, serviceName: `${name}-memberlist`, podManagementPolicy: 'Parallel' });
      expect(b.ms.filter((m) => (m.kind === 'Deployment' || m.kind === 'PersistentVolumeClaim') && m.metadata.name.startsWith(name))).toEqual([]);
    }
  });

  test('the key-tree check itself rejects an unknown key and a key of the other program', () => {
    const b = both(MINIO, 3);
    const l = b.loki();
    // Tempo's name for the access key is not Loki's
    l.common.storage.s3.access_key = l.common.storage.s3.access_key_id;
    expect(configProblems(l, loki)).toEqual(['.common.storage.s3.access_key: not a key of this config']);
    const t = b.tempo();
    t.storage.trace.s3.s3forcepathstyle = true;
    expect(configProblems(t, tempo)).toEqual(['.storage.trace.s3.s3forcepathstyle: not a key of this config']);
  });
});

describe('Loki on object storage', () => {
  test('monolithic replicas on one memberlist ring, the store in common.storage and the schema, the compactor\'s delete requests there', () => {
    const b = both(MINIO, 3);
    const l = b.loki();
    expect(b.container('loki').args).toEqual(['-config.file=/etc/loki/loki.yaml', '-target=all', '-config.expand-env=true']);
    expect(l.common).toEqual({
      path_prefix: '/loki',
      storage: {
        s3: {
          bucketnames: 'telemetry', endpoint: 'minio.storage:9000', s3forcepathstyle: true, insecure: true,
          access_key_id: '${OBJECT_STORAGE_ACCESS_KEY_ID}', secret_access_key: '${OBJECT_STORAGE_SECRET_ACCESS_KEY}',
        },
      },
      replication_factor: 3,
      ring: { kvstore: { store: 'memberlist' } },
    });
    expect(l.memberlist).toEqual({ bind_port: 7946, join_members: ['dns+loki-memberlist.observability.svc:7946'] });
    expect(l.schema_config.configs[0].object_store).toBe('s3');
    expect(l.compactor).toEqual({ working_directory: '/loki/compactor', retention_enabled: true, delete_request_store: 's3' });
    // rules stay on the volume, and one replica evaluates each group
    expect(l.ruler).toEqual({ storage: { type: 'local', local: { directory: '/loki/rules' } }, enable_sharding: true });
    // each replica advertises its own address
    expect(l.common.instance_addr).toBeUndefined();
  });

  test.each([[1, 1], [2, 2], [3, 3], [5, 3]])('%i replica(s): replication factor %i, never more than the replicas', (replicas, rf) => {
    const l = build({ loki: { objectStorage: GCS, replicas } }).loki();
    expect(l.common.replication_factor).toBe(rf);
    // one replica evaluates every rule itself: sharding only from two on
    expect(l.ruler.enable_sharding).toBe(replicas > 1 ? true : undefined);
  });

  test('GCS and Azure: their blocks, the object_store of the schema and the compactor follow the type', () => {
    const gcs = both(GCS, 1).loki();
    expect(gcs.common.storage).toEqual({ gcs: { bucket_name: 'telemetry' } });
    expect([gcs.schema_config.configs[0].object_store, gcs.compactor.delete_request_store]).toEqual(['gcs', 'gcs']);
    const azure = both({ ...AZURE, endpointSuffix: 'blob.core.usgovcloudapi.net' }, 1).loki();
    expect(azure.common.storage).toEqual({
      azure: { account_name: 'stacktelemetry', container_name: 'telemetry', endpoint_suffix: 'blob.core.usgovcloudapi.net', account_key: '${OBJECT_STORAGE_ACCOUNT_KEY}' },
    });
    expect([azure.schema_config.configs[0].object_store, azure.compactor.delete_request_store]).toEqual(['azure', 'azure']);
  });

  test('AWS S3 without credentials: the region, no keys in the config, no expand-env, the pod\'s identity on its own ServiceAccount', () => {
    const b = both(AWS, 3);
    expect(b.loki().common.storage).toEqual({ s3: { bucketnames: 'telemetry', region: 'eu-west-1' } });
    expect(b.container('loki').args).toEqual(['-config.file=/etc/loki/loki.yaml', '-target=all']);
    expect(b.container('loki').env).toBeUndefined();
    expect(find(b.ms, 'ServiceAccount', 'loki')).toMatchObject({ automountServiceAccountToken: false });
    expect(find(b.ms, 'StatefulSet', 'loki').spec.template.spec).toMatchObject({ serviceAccountName: 'loki', automountServiceAccountToken: false });
  });
});

describe('Tempo on object storage', () => {
  test('several replicas run the scalable single binary: memberlist, the frontend address (mandatory there), three copies', () => {
    const b = both(MINIO, 3);
    const t = b.tempo();
    expect(b.container('tempo').args).toEqual(['-config.file=/etc/tempo/tempo.yaml', '-target=scalable-single-binary', '-config.expand-env=true']);
    expect(t.memberlist).toEqual({ bind_port: 7946, join_members: ['dns+tempo-memberlist.observability.svc:7946'] });
    expect(t.querier).toEqual({ frontend_worker: { frontend_address: 'tempo-memberlist.observability.svc:9095' } });
    expect(t.ingester).toEqual({ lifecycler: { ring: { replication_factor: 3 } } });
    expect(t.server.grpc_listen_port).toBe(9095);
    expect(t.storage.trace).toEqual({
      backend: 's3',
      wal: { path: '/var/tempo/wal', ingestion_time_range_slack: '1h56m' },
      s3: {
        bucket: 'traces', endpoint: 'minio.storage:9000', forcepathstyle: true, insecure: true,
        access_key: '${OBJECT_STORAGE_ACCESS_KEY_ID}', secret_key: '${OBJECT_STORAGE_SECRET_ACCESS_KEY}',
      },
    });
    // the gRPC and gossip ports are the pods' among themselves, not the Service's
    expect(find(b.ms, 'Service', 'tempo').spec.ports.map((p: any) => p.name)).toEqual(['http', 'otlp-grpc', 'otlp-http']);
    expect(b.container('tempo').ports.map((p: any) => p.containerPort)).toEqual([3200, 4317, 4318, 9095, 7946]);
  });

  test('one replica keeps -target=all (its in-memory ring) with the object store, and no ring settings', () => {
    const b = both(GCS, 1);
    const t = b.tempo();
    expect(b.container('tempo').args).toEqual(['-config.file=/etc/tempo/tempo.yaml', '-target=all']);
    expect([t.memberlist, t.querier, t.ingester, t.server.grpc_listen_port]).toEqual([undefined, undefined, undefined, undefined]);
    expect(t.storage.trace).toEqual({ backend: 'gcs', wal: { path: '/var/tempo/wal', ingestion_time_range_slack: '1h56m' }, gcs: { bucket_name: 'traces' } });
    expect(find(b.ms, 'Service', 'tempo-memberlist').spec.ports.map((p: any) => p.port)).toEqual([3200]);
    expect(b.ms.filter((m) => m.kind === 'PodDisruptionBudget' && m.metadata.name === 'tempo')).toEqual([]);
  });

  test.each([[2, 2], [3, 3], [4, 3]])('%i replicas: replication factor %i', (replicas, rf) => {
    expect(build({ tempo: { objectStorage: AZURE, replicas } }).tempo().ingester.lifecycler.ring.replication_factor).toBe(rf);
  });

  test('AWS S3: Tempo\'s client has no default endpoint, so the region\'s is written; Azure without a key uses workload identity', () => {
    expect(both(AWS, 1).tempo().storage.trace.s3).toEqual({ bucket: 'traces', endpoint: 's3.eu-west-1.amazonaws.com', region: 'eu-west-1' });
    const b = both({ type: 'azure', container: 'telemetry', accountName: 'stacktelemetry' }, 3);
    expect(b.tempo().storage.trace.azure).toEqual({ storage_account_name: 'stacktelemetry', container_name: 'traces', use_federated_token: true });
    expect(b.loki().common.storage.azure).toEqual({ account_name: 'stacktelemetry', container_name: 'telemetry', use_federated_token: true });
    for (const name of ['loki', 'tempo']) {
      expect(find(b.ms, 'StatefulSet', name).spec.template.metadata.labels['azure.workload.identity/use']).toBe('true');
      // the selector is the standard one: the label does not move the pods
      expect(find(b.ms, 'StatefulSet', name).spec.selector.matchLabels['azure.workload.identity/use']).toBeUndefined();
    }
  });
});

describe('the objects around the replicas', () => {
  const b = both(MINIO, 3);

  test('a headless Service per backend with every replica, ready or not: HTTP, gRPC 9095 and memberlist 7946', () => {
    for (const [name, http] of [['loki', 3100], ['tempo', 3200]] as const) {
      expect(find(b.ms, 'Service', `${name}-memberlist`).spec).toEqual({
        clusterIP: 'None',
        publishNotReadyAddresses: true,
        selector: { 'app.kubernetes.io/instance': 'observability', 'app.kubernetes.io/name': name },
        ports: [
          { name: 'http', port: http, targetPort: 'http', protocol: 'TCP', appProtocol: 'http' },
          { name: 'grpc', port: 9095, targetPort: 'grpc', protocol: 'TCP', appProtocol: 'grpc' },
          { name: 'memberlist', port: 7946, targetPort: 'memberlist', protocol: 'TCP' },
        ],
      });
      // gossip only through the headless Service
      expect(find(b.ms, 'Service', name).spec.ports.map((p: any) => p.port)).not.toContain(7946);
    }
  });

  test('a claim per replica, kept when scaled down; a disruption budget; spread over nodes and zones', () => {
    for (const name of ['loki', 'tempo']) {
      const s = find(b.ms, 'StatefulSet', name).spec;
      expect(s.volumeClaimTemplates.map((t: any) => [t.metadata.name, t.spec.resources.requests.storage])).toEqual([['data', '10Gi']]);
      expect(s.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: 'Retain', whenScaled: 'Retain' });
      expect(find(b.ms, 'PodDisruptionBudget', name).spec).toEqual({
        maxUnavailable: 1, selector: { matchLabels: { 'app.kubernetes.io/instance': 'observability', 'app.kubernetes.io/name': name } },
      });
      expect(s.template.spec.topologySpreadConstraints.map((c: any) => [c.topologyKey, c.whenUnsatisfiable])).toEqual([
        ['kubernetes.io/hostname', 'ScheduleAnyway'], ['topology.kubernetes.io/zone', 'ScheduleAnyway'],
      ]);
    }
  });

  test('the NetworkPolicies let the replicas gossip and talk gRPC with one another, and reach the store on its port', () => {
    for (const name of ['loki', 'tempo']) {
      const self = { podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'observability', 'app.kubernetes.io/name': name } } };
      const peers = { ports: [{ protocol: 'TCP', port: 7946 }, { protocol: 'TCP', port: 9095 }] };
      expect(b.policy(name).ingress).toContainEqual({ from: [self], ...peers });
      expect(b.policy(name).egress).toContainEqual({ to: [self], ...peers });
      // MinIO in another namespace (or outside the cluster), on its own port
      expect(b.policy(name).egress).toContainEqual({ to: [{ namespaceSelector: {} }, { ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ protocol: 'TCP', port: 9000 }] });
    }
  });

  test('the clouds\' endpoints on 443; the pod\'s identity also needs the metadata endpoint; one Tempo replica gossips with nobody', () => {
    const internet = (ports: number[]) => ({ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: ports.map((port) => ({ protocol: 'TCP', port })) });
    const aws = both(AWS, 1);
    expect(aws.policy('loki').egress).toContainEqual(internet([80, 443]));
    expect(both(GCS, 1).policy('tempo').egress).toContainEqual(internet([443]));
    expect(both(AZURE, 1).policy('loki').egress).toContainEqual(internet([443]));
    const tempo = aws.policy('tempo');
    expect(JSON.stringify(tempo)).not.toContain('7946');
    expect(JSON.stringify(tempo)).not.toContain('9095');
  });

  test('Prometheus scrapes every replica through the headless Service', () => {
    const prom = load(find(b.ms, 'ConfigMap', 'prometheus-config').data['prometheus.yml']) as any;
    for (const [name, port] of [['loki', 3100], ['tempo', 3200]] as const) {
      expect(prom.scrape_configs.find((j: any) => j.job_name === name)).toEqual({
        job_name: name, metrics_path: '/metrics', dns_sd_configs: [{ names: [`${name}-memberlist`], type: 'A', port }],
      });
    }
  });

  test('acceptance windows and retention follow the collectors as before: replicas change nothing there', () => {
    const local = build({});
    expect(b.loki().ingester.max_chunk_age).toBe(local.loki().ingester.max_chunk_age);
    expect(b.tempo().storage.trace.wal.ingestion_time_range_slack).toBe(local.tempo().storage.trace.wal.ingestion_time_range_slack);
    expect(windowsTable(b.stack)).toBe(windowsTable(local.stack));
    synthFails({ loki: { objectStorage: MINIO, replicas: 3, lateLogWindow: '30m' } }, 'observability/loki: lateLogWindow "30m" is shorter than the backlog');
    synthFails({ tempo: { objectStorage: MINIO, replicas: 3, retention: '1h' } }, 'observability/tempo: retention "1h" is shorter than the late-span window');
  });
});

describe('credentials come from Secrets only', () => {
  const ACCESS_KEY = 'AKIAIOSFODNN7EXAMPLE';
  const SECRET_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

  test('env from secretKeyRef, named in the config as placeholders the program expands; a key file for GCS', () => {
    const b = both({ ...MINIO, credentials: { secretName: 'minio-credentials', accessKeyIdKey: 'user', secretAccessKeyKey: 'password' } }, 3);
    for (const name of ['loki', 'tempo']) {
      expect(b.container(name).env).toEqual([
        { name: 'OBJECT_STORAGE_ACCESS_KEY_ID', valueFrom: { secretKeyRef: { name: 'minio-credentials', key: 'user' } } },
        { name: 'OBJECT_STORAGE_SECRET_ACCESS_KEY', valueFrom: { secretKeyRef: { name: 'minio-credentials', key: 'password' } } },
      ]);
      expect(b.container(name).args).toContain('-config.expand-env=true');
    }
    const azure = both(AZURE, 1);
    expect(azure.container('tempo').env).toEqual([{ name: 'OBJECT_STORAGE_ACCOUNT_KEY', valueFrom: { secretKeyRef: { name: 'azure-storage', key: 'account-key' } } }]);
    expect(azure.tempo().storage.trace.azure.storage_account_key).toBe('${OBJECT_STORAGE_ACCOUNT_KEY}');
    const gcs = both({ type: 'gcs', bucket: 'telemetry', serviceAccount: { secretName: 'gcs-key', key: 'sa.json' } }, 3);
    const pod = find(gcs.ms, 'StatefulSet', 'loki').spec.template.spec;
    expect(pod.volumes).toContainEqual({ name: 'object-storage-credentials', secret: { secretName: 'gcs-key', defaultMode: 0o440, items: [{ key: 'sa.json', path: 'sa.json' }] } });
    expect(pod.containers[0].volumeMounts).toContainEqual({ name: 'object-storage-credentials', mountPath: '/etc/object-storage', readOnly: true });
    expect(pod.containers[0].env).toEqual([{ name: 'GOOGLE_APPLICATION_CREDENTIALS', value: '/etc/object-storage/sa.json' }]);
    // no placeholder, no expansion
    expect(pod.containers[0].args).not.toContain('-config.expand-env=true');
  });

  test('what is synthesized holds no credential: every credential field of the configs is a placeholder, no Secret is written', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-alloy-object-storage-'));
    try {
      const app = new App({ outdir });
      new ObservabilityStack(app, 'observability', { loki: { objectStorage: MINIO, replicas: 3 }, tempo: { objectStorage: AZURE, replicas: 3 } });
      app.synth();
      const docs = fs.readdirSync(outdir).flatMap((f) => String(fs.readFileSync(path.join(outdir, f), 'utf-8')).split(/^---$/m)).map((d) => load(d) as Manifest).filter((d) => d);
      expect(docs.filter((d) => d.kind === 'Secret')).toEqual([]);
      const credentialFields = /^(access_key_id|secret_access_key|access_key|secret_key|session_token|account_key|storage_account_key|client_secret|connection_string)$/;
      const fields: Array<[string, unknown]> = [];
      const walk = (node: unknown, at: string): void => {
        if (node && typeof node === 'object') {
          for (const [k, v] of Object.entries(node)) {
            if (credentialFields.test(k)) fields.push([`${at}.${k}`, v]);
            walk(v, `${at}.${k}`);
          }
        }
      };
      for (const cm of docs.filter((d) => d.kind === 'ConfigMap' && /^(loki|tempo)-config$/.test(d.metadata.name))) {
        for (const [file, text] of Object.entries(cm.data as Record<string, string>)) walk(load(text), file);
      }
      expect(fields).toEqual([
        ['tempo.yaml.storage.trace.azure.storage_account_key', '${OBJECT_STORAGE_ACCOUNT_KEY}'],
        ['loki.yaml.common.storage.s3.access_key_id', '${OBJECT_STORAGE_ACCESS_KEY_ID}'],
        ['loki.yaml.common.storage.s3.secret_access_key', '${OBJECT_STORAGE_SECRET_ACCESS_KEY}'],
      ]);
      // every placeholder's variable comes from a Secret, in the pods of the config that names it
      for (const name of ['loki', 'tempo']) {
        const env = docs.find((d) => d.kind === 'StatefulSet' && d.metadata.name === name)!.spec.template.spec.containers[0].env as any[];
        expect(env.every((e) => e.value === undefined && e.valueFrom.secretKeyRef !== undefined)).toBe(true);
      }
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });

  // a literal passed anyway (from JavaScript, or past the types with a cast) is refused, and
  // the error never repeats it
  test.each<[string, Record<string, unknown>, string]>([
    ['an access key beside the bucket', { ...MINIO, accessKeyId: ACCESS_KEY }, 'observability/loki: objectStorage of type "s3" has no field "accessKeyId"; credentials are given only as Secret references (credentials: { secretName, accessKeyIdKey, secretAccessKeyKey }), never as values'],
    ['credentials as a string', { ...MINIO, credentials: SECRET_KEY }, 'observability/loki: objectStorage.credentials must be a Secret reference (got a string); give credentials: { secretName, accessKeyIdKey, secretAccessKeyKey } and put the value in that Secret'],
    ['a secret key inside the reference', { ...MINIO, credentials: { secretName: 'minio', secretAccessKey: SECRET_KEY } }, 'observability/loki: objectStorage.credentials has no field "secretAccessKey"; it names a Secret and its keys (secretName, accessKeyIdKey, secretAccessKeyKey), never a credential\'s value'],
    ['a GCS key as a string', { type: 'gcs', bucket: 'telemetry', serviceAccount: SECRET_KEY }, 'observability/loki: objectStorage.serviceAccount must be a Secret reference (got a string)'],
    ['an Azure key as a string', { ...AZURE, accountKey: SECRET_KEY }, 'observability/loki: objectStorage.accountKey must be a Secret reference (got a string)'],
    ['an Azure connection string', { ...AZURE, connectionString: `AccountKey=${SECRET_KEY}` }, 'observability/loki: objectStorage of type "azure" has no field "connectionString"'],
  ])('fails when a credential is a literal: %s', (_what, storage, message) => {
    let error: Error | undefined;
    try {
      new ObservabilityStack(testApp(), 'observability', { loki: { objectStorage: storage as unknown as ObjectStorage } });
    } catch (e) {
      error = e as Error;
    }
    expect(error?.message).toContain(message);
    expect(error?.message).not.toContain(ACCESS_KEY);
    expect(error?.message).not.toContain(SECRET_KEY);
  });

  test.each<[string, ObjectStorage, string]>([
    ['a Secret name', { ...MINIO, credentials: { secretName: 'Minio Credentials' } }, 'test/t: invalid objectStorage.credentials.secretName (got "Minio Credentials"); use lowercase letters, digits, "-" and "."'],
    ['a Secret key', { ...MINIO, credentials: { secretName: 'minio', accessKeyIdKey: 'access key' } }, 'test/t: invalid objectStorage.credentials.accessKeyIdKey (got "access key"); a key of a Secret is letters, digits, "-", "_" and "."'],
    ['a GCS key file\'s key', { type: 'gcs', bucket: 'telemetry', serviceAccount: { secretName: 'gcs', key: 'key/json' } }, 'test/t: invalid objectStorage.serviceAccount.key (got "key/json")'],
    ['an Azure Secret without a name', { ...AZURE, accountKey: {} as never }, 'test/t: objectStorage.accountKey.secretName is missing; name the Secret that holds the credential'],
  ])('fails when a Secret reference is invalid: %s', (_what, storage, message) => {
    expect(() => new Tempo(Testing.chart(), 't', { namespace: 'o', objectStorage: storage })).toThrow(message);
  });

  test('fails when a value in the config would be read as a variable by -config.expand-env', () => {
    const app = new App({ outdir: '/nonexistent-never-written' });
    new Tempo(new Chart(app, 'c'), 't', { namespace: 'o', objectStorage: MINIO, metricsGenerator: { remoteWriteUrl: 'http://mimir/api/v1/push?x=$y' } });
    expect(() => app.synth()).toThrow('c/t: tempo.yaml holds "$", which -config.expand-env=true (on for the object store\'s credentials) would replace; remove the "$" from the value that carries it');
    // without credentials there is no expansion, and the value stays as written
    const plain = new App({ outdir: '/nonexistent-never-written' });
    new Tempo(new Chart(plain, 'c'), 't', { namespace: 'o', objectStorage: AWS, metricsGenerator: { remoteWriteUrl: 'http://mimir/api/v1/push?x=$y' } });
    expect(() => plain.synth()).not.toThrow();
  });
});

describe('replicas and storage', () => {
  test('fails when Loki and Tempo are given one bucket', () => {
    expect(() => new ObservabilityStack(testApp(), 'observability', { loki: { objectStorage: MINIO }, tempo: { objectStorage: { ...MINIO, credentials: { secretName: 'other' } } } })).toThrow(
      'observability: loki and tempo are given one bucket (got the s3 bucket "telemetry" at minio.storage:9000 for both); Tempo reads every top-level folder of its bucket as a tenant',
    );
    expect(() => new ObservabilityStack(testApp(), 'observability', { loki: { objectStorage: AZURE }, tempo: { objectStorage: AZURE } })).toThrow('(got the azure container "telemetry" of account stacktelemetry for both)');
    // the same name on another store is another bucket
    expect(() => new ObservabilityStack(testApp(), 'observability', { loki: { objectStorage: MINIO }, tempo: { objectStorage: AWS } })).not.toThrow();
    expect(() => new ObservabilityStack(testApp(), 'observability', { loki: { objectStorage: GCS }, tempo: { objectStorage: { ...GCS, bucket: 'traces' } } })).not.toThrow();
  });

  test.each<[string, ObservabilityStackProps, string]>([
    ['Loki', { loki: { replicas: 3 } }, 'observability/loki: replicas 3 need object storage (got replicas 3 on local storage)'],
    ['Tempo', { tempo: { replicas: 2 } }, 'observability/tempo: replicas 2 need object storage (got replicas 2 on local storage)'],
  ])('fails when %s has more than one replica on local storage, naming the fix', (_name, props, message) => {
    expect(() => new ObservabilityStack(testApp(), 'observability', props)).toThrow(message);
    expect(() => new ObservabilityStack(testApp(), 'observability', props)).toThrow('; set objectStorage, or replicas: 1');
  });

  test('fails when replicas are not a whole number of at least one', () => {
    expect(() => new Loki(Testing.chart(), 'l', { namespace: 'o', replicas: 0 })).toThrow('test/l: replicas must be a whole number of at least 1 (got 0)');
    expect(() => new Tempo(Testing.chart(), 't', { namespace: 'o', objectStorage: GCS, replicas: 1.5 })).toThrow('test/t: replicas must be a whole number of at least 1 (got 1.5)');
  });

  test('one replica on local storage stays as it was: a Deployment and its claim, no headless Service', () => {
    const ms = manifestsOf(new ObservabilityStack(testApp(), 'observability', { loki: { replicas: 1 }, tempo: { replicas: 1 } }));
    for (const name of ['loki', 'tempo']) {
      expect(find(ms, 'Deployment', name).spec.replicas).toBe(1);
      expect(find(ms, 'PersistentVolumeClaim', `${name}-data`)).toBeDefined();
      expect(ms.filter((m) => m.metadata.name === `${name}-memberlist` || (m.kind === 'ServiceAccount' && m.metadata.name === name))).toEqual([]);
    }
  });

  test.each<[string, ObjectStorage, string]>([
    ['an S3 store with neither endpoint nor region', { type: 's3', bucket: 'telemetry' }, 'test/l: objectStorage of type "s3" has neither endpoint nor region; for AWS S3 set region (such as "us-east-1"), for an S3-compatible store set endpoint'],
    ['an endpoint with a scheme', { ...MINIO, endpoint: 'http://minio:9000' }, 'test/l: invalid objectStorage.endpoint (got "http://minio:9000"); write host[:port] without a scheme'],
    ['an endpoint port out of range', { ...MINIO, endpoint: 'minio:99999' }, 'test/l: objectStorage.endpoint port out of range (got 99999)'],
    ['a bucket name with capitals', { ...AWS, bucket: 'Telemetry' }, 'test/l: invalid objectStorage.bucket (got "Telemetry"); use 3 to 63 lowercase letters'],
    ['a region with spaces', { ...AWS, region: 'eu west' }, 'test/l: invalid objectStorage.region (got "eu west")'],
    ['an Azure account name with dashes', { ...AZURE, accountName: 'stack-telemetry' }, 'test/l: invalid objectStorage.accountName (got "stack-telemetry"); use 3 to 24 lowercase letters and digits'],
    ['an Azure container with a double dash', { ...AZURE, container: 'a--b' }, 'test/l: invalid objectStorage.container (got "a--b")'],
    ['an Azure endpoint suffix with a scheme', { ...AZURE, endpointSuffix: 'https://blob.core.windows.net' }, 'test/l: invalid objectStorage.endpointSuffix (got "https://blob.core.windows.net")'],
    ['an unknown type', { type: 'swift', bucket: 'x' } as never, 'test/l: objectStorage.type must be "s3", "gcs" or "azure" (got "swift")'],
  ])('fails when the store is malformed: %s', (_what, storage, message) => {
    expect(() => new Loki(Testing.chart(), 'l', { namespace: 'o', objectStorage: storage })).toThrow(message);
  });
});

test('docs/stack.md: the example of "Loki and Tempo on object storage" runs as written', () => {
  const doc = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'stack.md'), 'utf-8');
  const section = doc.slice(doc.indexOf('## Loki and Tempo on object storage'));
  const code = /```ts\n([\s\S]*?)```/.exec(section)![1];
  const app = testApp();
  // plain JavaScript as written: the stack, an app, nothing else
  new Function('ObservabilityStack', 'app', code)(ObservabilityStack, app);
  const stack = app.node.findChild('observability') as ObservabilityStack;
  expect(() => app.synth()).not.toThrow();
  const ms = manifestsOf(stack);
  expect([find(ms, 'StatefulSet', 'loki').spec.replicas, find(ms, 'StatefulSet', 'tempo').spec.replicas]).toEqual([3, 3]);
  // the Secret keys the doc's kubectl lines create are those the pods read
  const keys = (name: string) => (find(ms, 'StatefulSet', name).spec.template.spec.containers[0].env as any[])
    .map((e) => e.valueFrom?.secretKeyRef).filter((r) => r).map((r: any) => `${r.name}/${r.key}`);
  expect(keys('loki')).toEqual(['minio-credentials/access-key-id', 'minio-credentials/secret-access-key']);
  expect(section).toContain('create secret generic minio-credentials --from-literal=access-key-id=... --from-literal=secret-access-key=...');
  expect(find(ms, 'StatefulSet', 'tempo').spec.template.spec.volumes).toContainEqual(expect.objectContaining({ secret: expect.objectContaining({ secretName: 'tempo-gcs', items: [{ key: 'key.json', path: 'key.json' }] }) }));
  expect(section).toContain('create secret generic tempo-gcs --from-file=key.json=');
});
