/**
 * Credentials of object storage are Secret references, checked by the compiler: each
 * `@ts-expect-error` below must be an error, or `tsc --noEmit` (run by
 * __tests__/typecheck.test.ts) fails with "Unused '@ts-expect-error'". There is no field a
 * credential's value could be written in.
 */
import { Testing } from 'cdk8s';
import { LokiProps, Tempo, TempoProps } from '../../lib';
import { ObjectStorage } from '../../lib/workloads/object-storage';

test('a credential can only be named, never given', () => {
  const ok: ObjectStorage[] = [
    { type: 's3', bucket: 'telemetry', region: 'us-east-1' },
    { type: 's3', bucket: 'telemetry', endpoint: 'minio.storage:9000', forcePathStyle: true, insecure: true, credentials: { secretName: 'minio' } },
    { type: 'gcs', bucket: 'telemetry', serviceAccount: { secretName: 'gcs', key: 'sa.json' } },
    { type: 'azure', container: 'telemetry', accountName: 'telemetry', accountKey: { secretName: 'azure' } },
  ];

  // @ts-expect-error no field for an access key's value
  const s3Literal: ObjectStorage = { type: 's3', bucket: 'telemetry', region: 'us-east-1', accessKeyId: 'AKIA', secretAccessKey: 'x' };
  // @ts-expect-error credentials are a Secret reference, not a string
  const s3String: ObjectStorage = { type: 's3', bucket: 'telemetry', region: 'us-east-1', credentials: 'AKIA:x' };
  // @ts-expect-error the reference names keys of the Secret, it holds no value
  const s3Inline: ObjectStorage = { type: 's3', bucket: 'telemetry', region: 'us-east-1', credentials: { secretName: 'minio', secretAccessKey: 'x' } };
  // @ts-expect-error a reference needs its Secret's name
  const s3NoSecret: ObjectStorage = { type: 's3', bucket: 'telemetry', region: 'us-east-1', credentials: { accessKeyIdKey: 'id' } };
  // @ts-expect-error a GCS key is a file in a Secret, not its JSON
  const gcsJson: ObjectStorage = { type: 'gcs', bucket: 'telemetry', serviceAccount: '{"private_key": "x"}' };
  // @ts-expect-error an Azure key is in a Secret
  const azureKey: ObjectStorage = { type: 'azure', container: 'telemetry', accountName: 'telemetry', accountKey: 'x' };
  // @ts-expect-error no connection string either (it carries the key)
  const azureConnection: ObjectStorage = { type: 'azure', container: 'telemetry', accountName: 'telemetry', connectionString: 'AccountKey=x' };
  // @ts-expect-error each type takes its own fields: a GCS bucket has no endpoint
  const mixed: ObjectStorage = { type: 'gcs', bucket: 'telemetry', endpoint: 'minio:9000' };

  expect([s3Literal, s3String, s3Inline, s3NoSecret, gcsJson, azureKey, azureConnection, mixed]).toHaveLength(8);
  // the props of both backends take it
  const loki: Pick<LokiProps, 'objectStorage' | 'replicas'> = { objectStorage: ok[0], replicas: 3 };
  const tempo: Pick<TempoProps, 'objectStorage' | 'replicas'> = { objectStorage: ok[1], replicas: 3 };
  expect(ok.map((objectStorage) => new Tempo(Testing.chart(), 't', { namespace: 'o', objectStorage, replicas: 3 }).peers?.headlessService.name)).toEqual(Array(4).fill('tempo-memberlist'));
  expect([loki.replicas, tempo.replicas]).toEqual([3, 3]);
});
