import { schemaErrors } from './support/k8s-schema';

const service = () => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'x', namespace: 'y' },
  spec: { ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
});

describe('the strict 1.28 schema check itself', () => {
  test('accepts a valid object', () => {
    expect(schemaErrors(service())).toEqual([]);
  });

  test('rejects an unknown field at any depth', () => {
    const s = service() as any;
    s.spec.ports[0].appProtocoll = 'http';
    expect(schemaErrors(s)).toEqual(['/spec/ports/0 must NOT have additional properties (appProtocoll)']);
    const t = service() as any;
    t.metadata.label = {};
    expect(schemaErrors(t)).toEqual(['/metadata must NOT have additional properties (label)']);
  });

  test('rejects a wrong type', () => {
    const s = service() as any;
    s.spec.ports[0].port = '80';
    expect(schemaErrors(s)).toContain('/spec/ports/0/port must be integer');
  });

  test('rejects a kind it has no schema for', () => {
    expect(schemaErrors({ apiVersion: 'v1', kind: 'Nope' })).toEqual(['no Kubernetes 1.28 schema for v1/Nope']);
  });
});
