/**
 * TLS to Redis. A single node takes it from its `rediss://` URL; Cluster and Sentinel nodes have
 * no URL, so REDIS_TLS turns it on for them, and REDIS_SENTINEL_TLS for the sentinels themselves
 * (managed Sentinel set-ups differ there). A private CA is read once at start-up, so a missing or
 * unreadable file stops the process with the setting named instead of failing every connection.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { Flag } from './settings.js';

export const RedisTlsSettings = z.object({
  REDIS_TLS: Flag.optional().describe(
    'Connect to Cluster or Sentinel-managed nodes over TLS (a single node uses a `rediss://` REDIS_URL).',
  ),
  REDIS_SENTINEL_TLS: Flag.optional().describe('Connect to the sentinels themselves over TLS.'),
  REDIS_TLS_CA_FILE: z
    .string()
    .min(1)
    .optional()
    .describe(
      "PEM file of the CA that signed the Redis servers' certificates, when not a public one; read at start-up.",
    ),
  REDIS_TLS_SERVERNAME: z
    .string()
    .min(1)
    .optional()
    .describe(
      'Host name the Redis certificates are checked against (and sent as SNI), when nodes are reached by an address the certificate does not name.',
    ),
});

/** What a TLS connection to Redis verifies the server against; empty means the public CAs and the host connected to. */
export const RedisTls = z.object({ ca: z.string().optional(), servername: z.string().optional() });
export type RedisTls = z.infer<typeof RedisTls>;

export interface RedisTlsSettings {
  REDIS_TLS?: boolean | undefined;
  REDIS_SENTINEL_TLS?: boolean | undefined;
  REDIS_TLS_CA_FILE?: string | undefined;
  REDIS_TLS_SERVERNAME?: string | undefined;
}

/** The CA and server name every TLS connection uses; a CA file that cannot be read is added to `problems`. */
export function redisTlsOptions(settings: RedisTlsSettings, problems: string[]): RedisTls {
  const tls: RedisTls = settings.REDIS_TLS_SERVERNAME ? { servername: settings.REDIS_TLS_SERVERNAME } : {};
  const file = settings.REDIS_TLS_CA_FILE;
  if (!file) return tls;
  try {
    const ca = readFileSync(file, 'utf8');
    if (!ca.includes('-----BEGIN CERTIFICATE-----'))
      problems.push(`REDIS_TLS_CA_FILE: ${file} holds no PEM certificate`);
    return { ...tls, ca };
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    problems.push(`REDIS_TLS_CA_FILE: cannot read ${file} (${reason})`);
    return tls;
  }
}
