import { podTemplate } from '../../lib/workloads/pod-template';

const base = {
  name: 'app', image: 'img:1', labels: { app: 'x' }, runAs: { uid: 1000, gid: 1000 },
  resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '1', memory: '1Gi' } },
};

describe('podTemplate', () => {
  test('one container under the restricted profile, /tmp writable, config read-only, no token, no service links', () => {
    const t = podTemplate('test/p', { ...base, configMap: { volumeName: 'script', name: 'app-script', mountPath: '/s' }, restartPolicy: 'Never' });
    expect(t.spec?.automountServiceAccountToken).toBe(false);
    expect(t.spec?.enableServiceLinks).toBe(false);
    expect(t.spec?.restartPolicy).toBe('Never');
    expect(t.spec?.securityContext?.runAsNonRoot).toBe(true);
    expect(t.spec?.volumes).toEqual([{ name: 'script', configMap: { name: 'app-script' } }, { name: 'tmp', emptyDir: {} }]);
    const c = t.spec!.containers[0];
    expect(c.volumeMounts).toEqual([{ name: 'script', mountPath: '/s', readOnly: true }, { name: 'tmp', mountPath: '/tmp' }]);
    expect(c.securityContext?.readOnlyRootFilesystem).toBe(true);
    expect(c.readinessProbe).toBeUndefined();
    expect(c.ports).toBeUndefined();
    expect(t.metadata?.annotations).toBeUndefined();
  });

  test('a stated exception runs as root and says why in an annotation', () => {
    const t = podTemplate('test/p', { ...base, annotations: { a: 'b' }, securityException: { reason: 'node logs', addCapabilities: [] } });
    expect(t.spec?.securityContext?.runAsUser).toBe(0);
    expect(t.metadata?.annotations).toEqual({ 'a': 'b', 'cdk8s-alloy/pod-security-exception': 'node logs' });
  });

  test('fails when two volumes share a name', () => {
    expect(() => podTemplate('test/p', { ...base, volumes: [{ volume: { name: 'tmp', emptyDir: {} }, mount: { name: 'tmp', mountPath: '/x' } }] })).toThrow(
      'test/p: two volumes named "tmp"; give each volume its own name',
    );
  });
});
