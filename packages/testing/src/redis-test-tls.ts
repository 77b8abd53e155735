/**
 * TLS for the test Redis servers: a throwaway CA and one server certificate (for 127.0.0.1 and
 * localhost) made with openssl in the server's temp dir, the redis.conf lines that make a node
 * TLS-only, and the redis-cli flags to reach such a node.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface TestTlsFiles {
  /** PEM of the CA that signed the server certificate: REDIS_TLS_CA_FILE. */
  caFile: string;
  certFile: string;
  keyFile: string;
}

/** The nodes started TLS-only, by port: redis-cli must speak TLS to them. */
const tlsNodes = new Map<number, TestTlsFiles>();

export function createTestCertificates(dir: string): TestTlsFiles {
  const files = {
    caFile: join(dir, 'ca.pem'),
    certFile: join(dir, 'server.pem'),
    keyFile: join(dir, 'server.key'),
  };
  const caKey = join(dir, 'ca.key');
  const request = join(dir, 'server.csr');
  const extensions = join(dir, 'server.ext');
  const ecKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  openssl(
    'req',
    '-x509',
    ...ecKey,
    '-keyout',
    caKey,
    '-out',
    files.caFile,
    '-days',
    '1',
    '-subj',
    '/CN=gpuq test CA',
  );
  openssl('req', ...ecKey, '-keyout', files.keyFile, '-out', request, '-subj', '/CN=localhost');
  // Clients check the address they dialled against these names.
  writeFileSync(extensions, 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  openssl(
    'x509',
    '-req',
    '-in',
    request,
    '-CA',
    files.caFile,
    '-CAkey',
    caKey,
    '-CAcreateserial',
    '-out',
    files.certFile,
    '-days',
    '1',
    '-extfile',
    extensions,
  );
  return files;
}

/** redis.conf lines for a node that accepts TLS only on `port`; clients need no certificate of their own. */
export function tlsOnlyConfig(port: number, files: TestTlsFiles): string[] {
  tlsNodes.set(port, files);
  return [
    'port 0',
    `tls-port ${port}`,
    `tls-cert-file ${files.certFile}`,
    `tls-key-file ${files.keyFile}`,
    `tls-ca-cert-file ${files.caFile}`,
    'tls-auth-clients no',
  ];
}

/** The redis-cli flags for the node on `port`: none unless it was started TLS-only. */
export function redisCliTlsArgs(port: number): string[] {
  const files = tlsNodes.get(port);
  return files ? ['--tls', '--cacert', files.caFile] : [];
}
