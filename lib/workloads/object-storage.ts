/**
 * Object storage for Loki and Tempo: an S3-compatible store (AWS S3, MinIO, ...), Google
 * Cloud Storage or Azure Blob Storage, with the bucket and the endpoint as values and every
 * credential as a reference to a key of a Kubernetes Secret. The types have no field for a
 * credential's value, and `checkObjectStorage` refuses one passed anyway (from JavaScript or
 * a cast), without echoing it.
 *
 * A credential reaches the program as an environment variable from its Secret
 * (`valueFrom.secretKeyRef`), and the config names it as a `${VAR}` placeholder that the
 * program expands at start (`-config.expand-env=true`: drone/envsubst over the whole file,
 * grafana/loki@v3.7.6:pkg/util/cfg/files.go:41-55, grafana/tempo@v2.10.8:cmd/tempo/main.go:174-181).
 * A GCS service-account key is a file from its Secret, named by GOOGLE_APPLICATION_CREDENTIALS.
 * Without credentials, the pod's own identity is used (see each type).
 *
 * The two programs name the same settings differently: Loki `common.storage.s3.{bucketnames,
 * access_key_id, secret_access_key, s3forcepathstyle}`
 * (grafana/loki@v3.7.6:pkg/storage/chunk/client/aws/s3_storage_client.go), Tempo
 * `storage.trace.s3.{bucket, access_key, secret_key, forcepathstyle}`
 * (grafana/tempo@v2.10.8:tempodb/backend/s3/config.go:49-62).
 */
import { EnvVar, Volume, VolumeMount } from '../../imports/k8s';
import { assertDnsSubdomain, assertPort } from '../validation';
import { Reach } from './connections';

/** A Secret holding an S3 access key pair. */
export interface S3Credentials {
  /** The Secret's name, in the workload's namespace. */
  readonly secretName: string;
  /** The key of the access key ID in the Secret. @default "access-key-id" */
  readonly accessKeyIdKey?: string;
  /** The key of the secret access key in the Secret. @default "secret-access-key" */
  readonly secretAccessKeyKey?: string;
}

/** An S3-compatible bucket: AWS S3, MinIO, Ceph RGW, ... */
export interface S3ObjectStorage {
  readonly type: 's3';
  /** The bucket's name. */
  readonly bucket: string;
  /**
   * `host[:port]` of an S3-compatible store, without the scheme, such as
   * `"minio.storage:9000"`; HTTPS unless `insecure`.
   *
   * @default - AWS S3 in `region` (`s3.<region>.amazonaws.com`)
   */
  readonly endpoint?: string;
  /**
   * The bucket's region, such as `"us-east-1"`. Required for AWS S3 (without `endpoint`).
   *
   * @default - none: the store's own (Loki signs with the placeholder region "dummy", which MinIO accepts)
   */
  readonly region?: string;
  /** Address the bucket in the path (`host/bucket`), not the host name: MinIO needs `true`. @default false */
  readonly forcePathStyle?: boolean;
  /** Plain HTTP to `endpoint`. @default false - HTTPS */
  readonly insecure?: boolean;
  /**
   * The Secret with the access key pair, read into the environment (`secretKeyRef`).
   *
   * @default - the pod's identity: IRSA or EKS Pod Identity on the ServiceAccount `<name>`, or the node's instance role
   */
  readonly credentials?: S3Credentials;
}

/** A Secret holding a key file. */
export interface SecretFile {
  /** The Secret's name, in the workload's namespace. */
  readonly secretName: string;
  /** The key of the file in the Secret. @default - see where it is used */
  readonly key?: string;
}

/** A Google Cloud Storage bucket. */
export interface GcsObjectStorage {
  readonly type: 'gcs';
  /** The bucket's name. */
  readonly bucket: string;
  /**
   * A service-account key (JSON) in a Secret, key default `"key.json"`: mounted read-only as a
   * file named by GOOGLE_APPLICATION_CREDENTIALS.
   *
   * @default - workload identity on the ServiceAccount `<name>`, or the node's service account
   */
  readonly serviceAccount?: SecretFile;
}

/** An Azure Blob Storage container. */
export interface AzureObjectStorage {
  readonly type: 'azure';
  /** The container's name. */
  readonly container: string;
  /** The storage account's name. */
  readonly accountName: string;
  /**
   * The storage account key in a Secret, key default `"account-key"`, read into the environment.
   *
   * @default - Azure workload identity (`use_federated_token`): the pods carry the label
   * `azure.workload.identity/use: "true"`; annotate the ServiceAccount `<name>` with the client ID
   */
  readonly accountKey?: SecretFile;
  /** The blob endpoint's suffix, for a sovereign cloud. @default "blob.core.windows.net" */
  readonly endpointSuffix?: string;
}

/** Where Loki or Tempo keep their data when it outgrows one volume: one bucket, shared by every replica. */
export type ObjectStorage = S3ObjectStorage | GcsObjectStorage | AzureObjectStorage;

/** What a pod needs to reach an object store. */
export interface ObjectStorageAccess {
  /** Environment variables, each credential from its Secret. */
  readonly env: EnvVar[];
  /** Secret files and where the container mounts them. */
  readonly volumes: Array<{ readonly volume: Volume; readonly mount: VolumeMount }>;
  /** Labels the pods need (Azure workload identity). */
  readonly podLabels: Record<string, string>;
  /** The names of the `${VAR}` placeholders in the config: when there are any, the program runs with `-config.expand-env=true`. */
  readonly placeholders: readonly string[];
  /** The ports the pods reach, and how far out. */
  readonly egress: ReadonlyArray<{ readonly port: number; readonly reach: Reach }>;
}

/** The environment variables credentials are read into. */
const ENV = {
  accessKeyId: 'OBJECT_STORAGE_ACCESS_KEY_ID',
  secretAccessKey: 'OBJECT_STORAGE_SECRET_ACCESS_KEY',
  accountKey: 'OBJECT_STORAGE_ACCOUNT_KEY',
} as const;
const GCS_DIR = '/etc/object-storage';

/** The fields each type has; anything else (such as a credential's value) is refused. */
const FIELDS: Record<ObjectStorage['type'], readonly string[]> = {
  s3: ['type', 'bucket', 'endpoint', 'region', 'forcePathStyle', 'insecure', 'credentials'],
  gcs: ['type', 'bucket', 'serviceAccount'],
  azure: ['type', 'container', 'accountName', 'accountKey', 'endpointSuffix'],
};
/** The fields of each Secret reference. */
const REFERENCE_FIELDS: Record<string, readonly string[]> = {
  credentials: ['secretName', 'accessKeyIdKey', 'secretAccessKeyKey'],
  serviceAccount: ['secretName', 'key'],
  accountKey: ['secretName', 'key'],
};

const HOST = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/i;

/**
 * Checks `storage` as the program would need it: a known type, valid names, every credential a
 * Secret reference with a valid Secret name and key. A field the type does not have is refused
 * by name, and its value is never repeated (it may be a credential).
 */
export function checkObjectStorage(subject: string, storage: ObjectStorage): void {
  const s = storage as unknown as Record<string, unknown>;
  const fields = FIELDS[s.type as ObjectStorage['type']];
  if (fields === undefined) {
    throw new Error(`${subject}: objectStorage.type must be "s3", "gcs" or "azure" (got ${JSON.stringify(s.type)})`);
  }
  for (const k of Object.keys(s).filter((x) => s[x] !== undefined)) {
    if (!fields.includes(k)) {
      throw new Error(
        `${subject}: objectStorage of type "${storage.type}" has no field "${k}"; ` +
        `credentials are given only as Secret references (${referenceHint(storage.type)}), never as values: use ${fields.join(', ')}`,
      );
    }
    const inner = REFERENCE_FIELDS[k];
    if (inner !== undefined) checkReference(subject, `objectStorage.${k}`, s[k], inner, storage.type);
  }
  const name = (what: string, value: unknown, re: RegExp, rule: string) => {
    if (typeof value !== 'string' || !re.test(value)) {
      throw new Error(`${subject}: invalid objectStorage.${what} (got ${JSON.stringify(value)}); ${rule}`);
    }
  };
  const bucket = 'use 3 to 63 lowercase letters, digits, "-" and ".", starting and ending with a letter or digit (for example "loki-chunks")';
  if (storage.type === 's3') {
    name('bucket', storage.bucket, /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, bucket);
    if (storage.endpoint !== undefined) {
      name('endpoint', storage.endpoint, /^[A-Za-z0-9.-]+(:[0-9]+)?$/,
        'write host[:port] without a scheme, such as "minio.storage:9000" (set insecure: true for plain HTTP)');
      const [host, port] = storage.endpoint.split(':');
      name('endpoint', host, HOST, 'write host[:port] without a scheme, such as "minio.storage:9000"');
      if (port !== undefined) assertPort(subject, 'objectStorage.endpoint port', Number(port));
    }
    if (storage.region !== undefined) name('region', storage.region, /^[a-z0-9]+(-[a-z0-9]+)*$/, 'use a region name such as "us-east-1"');
    if (storage.endpoint === undefined && storage.region === undefined) {
      throw new Error(
        `${subject}: objectStorage of type "s3" has neither endpoint nor region; ` +
        'for AWS S3 set region (such as "us-east-1"), for an S3-compatible store set endpoint (such as "minio.storage:9000")',
      );
    }
  } else if (storage.type === 'gcs') {
    name('bucket', storage.bucket, /^[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]$/, bucket);
  } else {
    name('container', storage.container, /^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$/,
      'use 3 to 63 lowercase letters, digits and single "-", starting and ending with a letter or digit (for example "tempo-traces")');
    name('accountName', storage.accountName, /^[a-z0-9]{3,24}$/, 'use 3 to 24 lowercase letters and digits, as Azure names storage accounts');
    if (storage.endpointSuffix !== undefined) {
      name('endpointSuffix', storage.endpointSuffix, HOST, 'write a host suffix without a scheme, such as "blob.core.usgovcloudapi.net"');
    }
  }
}

function referenceHint(type: ObjectStorage['type']): string {
  return type === 's3' ? 'credentials: { secretName, accessKeyIdKey, secretAccessKeyKey }'
    : type === 'gcs' ? 'serviceAccount: { secretName, key }' : 'accountKey: { secretName, key }';
}

function checkReference(subject: string, what: string, ref: unknown, fields: readonly string[], type: ObjectStorage['type']): void {
  if (ref === null || typeof ref !== 'object' || Array.isArray(ref)) {
    // the value may be the credential itself: say what it is, not what it says
    throw new Error(
      `${subject}: ${what} must be a Secret reference (got a ${ref === null ? 'null' : Array.isArray(ref) ? 'list' : typeof ref}); ` +
      `give ${referenceHint(type)} and put the value in that Secret`,
    );
  }
  const r = ref as Record<string, unknown>;
  for (const k of Object.keys(r).filter((x) => r[x] !== undefined)) {
    if (!fields.includes(k)) {
      throw new Error(
        `${subject}: ${what} has no field "${k}"; it names a Secret and its keys (${fields.join(', ')}), ` +
        'never a credential\'s value: put the value in that Secret',
      );
    }
  }
  if (typeof r.secretName !== 'string') {
    throw new Error(`${subject}: ${what}.secretName is missing; name the Secret that holds the credential (for example "object-storage")`);
  }
  assertDnsSubdomain(subject, `${what}.secretName`, r.secretName);
  for (const k of fields.filter((f) => f !== 'secretName' && r[f] !== undefined)) {
    if (typeof r[k] !== 'string' || !/^[-._a-zA-Z0-9]{1,253}$/.test(r[k] as string)) {
      throw new Error(`${subject}: invalid ${what}.${k} (got ${JSON.stringify(r[k])}); a key of a Secret is letters, digits, "-", "_" and "."`);
    }
  }
}

/** The `host:port` or default endpoint the pods reach, and the port. */
function endpointPort(storage: ObjectStorage): number {
  if (storage.type === 's3' && storage.endpoint !== undefined) {
    const port = storage.endpoint.split(':')[1];
    return port !== undefined ? Number(port) : storage.insecure === true ? 80 : 443;
  }
  return 443;
}

/** What the pods need to reach `storage`: credentials from their Secrets, key files, labels, egress. */
export function objectStorageAccess(storage: ObjectStorage): ObjectStorageAccess {
  const fromSecret = (name: string, secretName: string, key: string): EnvVar => ({ name, valueFrom: { secretKeyRef: { name: secretName, key } } });
  const env: EnvVar[] = [];
  const volumes: Array<{ volume: Volume; mount: VolumeMount }> = [];
  let podIdentity = false;
  if (storage.type === 's3') {
    const c = storage.credentials;
    if (c !== undefined) {
      env.push(fromSecret(ENV.accessKeyId, c.secretName, c.accessKeyIdKey ?? 'access-key-id'));
      env.push(fromSecret(ENV.secretAccessKey, c.secretName, c.secretAccessKeyKey ?? 'secret-access-key'));
    } else {
      podIdentity = true;
    }
  } else if (storage.type === 'gcs') {
    const sa = storage.serviceAccount;
    if (sa !== undefined) {
      const key = sa.key ?? 'key.json';
      volumes.push({
        volume: { name: 'object-storage-credentials', secret: { secretName: sa.secretName, defaultMode: 0o440, items: [{ key, path: key }] } },
        mount: { name: 'object-storage-credentials', mountPath: GCS_DIR, readOnly: true },
      });
      env.push({ name: 'GOOGLE_APPLICATION_CREDENTIALS', value: `${GCS_DIR}/${key}` });
    } else {
      podIdentity = true;
    }
  } else if (storage.accountKey !== undefined) {
    env.push(fromSecret(ENV.accountKey, storage.accountKey.secretName, storage.accountKey.key ?? 'account-key'));
  }
  const egress: Array<{ port: number; reach: Reach }> = [
    // an endpoint of yours may be in the cluster (MinIO in another namespace) or outside it;
    // the clouds' own endpoints are on the internet
    { port: endpointPort(storage), reach: storage.type === 's3' && storage.endpoint !== undefined ? 'anywhere' : 'internet' },
  ];
  // the pod's identity on AWS and GCP comes from the instance metadata endpoint
  // (169.254.169.254:80; GKE's metadata server answers there too)
  if (podIdentity) egress.push({ port: 80, reach: 'internet' });
  return {
    env,
    volumes,
    podLabels: storage.type === 'azure' && storage.accountKey === undefined ? { 'azure.workload.identity/use': 'true' } : {},
    placeholders: env.filter((e) => e.valueFrom?.secretKeyRef !== undefined).map((e) => e.name),
    egress,
  };
}

const placeholder = (name: string) => `\${${name}}`;

/** The bucket or container `storage` names, with where it is, when `a` and `b` are the same one. */
export function sharedBucket(a: ObjectStorage, b: ObjectStorage): string | undefined {
  const where = (x: ObjectStorage) => (x.type === 's3' ? `s3 bucket "${x.bucket}" at ${x.endpoint ?? `AWS ${x.region}`}`
    : x.type === 'gcs' ? `gcs bucket "${x.bucket}"` : `azure container "${x.container}" of account ${x.accountName}`);
  return where(a) === where(b) ? where(a) : undefined;
}

/**
 * The two programs' names of the same settings: Loki's `common.storage.<type>`
 * (grafana/loki@v3.7.6:pkg/storage/chunk/client/aws/s3_storage_client.go,
 * .../azure/blob_storage_client.go:89-95) and Tempo's `storage.trace.<backend>`
 * (grafana/tempo@v2.10.8:tempodb/backend/s3/config.go:49-62, tempodb/backend/azure/config.go:13-20).
 */
const NAMES = {
  // Loki's bucketnames is a comma-separated list: one bucket here
  loki: { bucket: 'bucketnames', forcePathStyle: 's3forcepathstyle', accessKeyId: 'access_key_id', secretAccessKey: 'secret_access_key', accountName: 'account_name', accountKey: 'account_key' },
  tempo: { bucket: 'bucket', forcePathStyle: 'forcepathstyle', accessKeyId: 'access_key', secretAccessKey: 'secret_key', accountName: 'storage_account_name', accountKey: 'storage_account_key' },
} as const;

/** The block of `storage` in `program`'s config, under `common.storage.<type>` (Loki) or `storage.trace.<type>` (Tempo). */
function storeBlock(program: keyof typeof NAMES, storage: ObjectStorage): Record<string, unknown> {
  const n = NAMES[program];
  if (storage.type === 's3') {
    // Loki's AWS SDK finds AWS S3 itself; the minio client Tempo uses has no default endpoint
    // (tempodb/backend/s3/s3.go@v2.10.8:764)
    const endpoint = storage.endpoint ?? (program === 'tempo' ? `s3.${storage.region}.amazonaws.com` : undefined);
    return {
      [n.bucket]: storage.bucket,
      ...(endpoint !== undefined ? { endpoint } : {}),
      ...(storage.region !== undefined ? { region: storage.region } : {}),
      ...(storage.forcePathStyle === true ? { [n.forcePathStyle]: true } : {}),
      ...(storage.insecure === true ? { insecure: true } : {}),
      // both keys or neither: with neither, the default chains apply (environment, IRSA, instance
      // role: grafana/loki@v3.7.6:pkg/storage/chunk/client/aws/s3_storage_client.go:266-283,
      // tempodb/backend/s3/s3.go@v2.10.8:686-706)
      ...(storage.credentials !== undefined ? { [n.accessKeyId]: placeholder(ENV.accessKeyId), [n.secretAccessKey]: placeholder(ENV.secretAccessKey) } : {}),
    };
  }
  if (storage.type === 'gcs') return { bucket_name: storage.bucket };
  return {
    [n.accountName]: storage.accountName,
    container_name: storage.container,
    ...(storage.endpointSuffix !== undefined ? { endpoint_suffix: storage.endpointSuffix } : {}),
    // without a key Loki signs with an empty shared key unless an identity is named
    // (grafana/loki@v3.7.6:pkg/storage/chunk/client/azure/blob_storage_client.go:422-423)
    ...(storage.accountKey !== undefined ? { [n.accountKey]: placeholder(ENV.accountKey) } : { use_federated_token: true }),
  };
}

/** Loki's `common.storage.<type>` block and the `object_store` of its schema, for `storage`. */
export function lokiObjectStore(storage: ObjectStorage): { readonly objectStore: ObjectStorage['type']; readonly block: Record<string, unknown> } {
  return { objectStore: storage.type, block: storeBlock('loki', storage) };
}

/** Tempo's `storage.trace.backend` and `storage.trace.<backend>` block, for `storage`. */
export function tempoObjectStore(storage: ObjectStorage): { readonly backend: ObjectStorage['type']; readonly block: Record<string, unknown> } {
  return { backend: storage.type, block: storeBlock('tempo', storage) };
}

/**
 * With `-config.expand-env=true` every `$` of the config is read as a variable: the rendered
 * text may hold no `$` but the placeholders of `access`.
 */
export function placeholderProblems(subject: string, file: string, text: string, access: ObjectStorageAccess): string[] {
  const known = new Set(access.placeholders.map(placeholder));
  const stray = [...text.matchAll(/\$(\{[^}]*\})?/g)].map((m) => m[0]).filter((m) => !known.has(m));
  return stray.length === 0 ? [] : [
    `${subject}: ${file} holds "${stray[0]}", which -config.expand-env=true (on for the object store's credentials) would replace; ` +
    'remove the "$" from the value that carries it',
  ];
}
