/**
 * One structured logger for every process (pino). Each line is JSON; request ids, job ids and user
 * ids ride as bindings of child loggers. Anything that looks like a credential is redacted wherever
 * it appears in the first two levels of a logged object.
 */
import { type DestinationStream, type Logger, pino } from 'pino';

export type { Logger } from 'pino';

export interface LoggerOptions {
  /** The process or component name, e.g. `queue-api`. */
  name: string;
  /** Default `info`; `silent` in tests that assert on nothing logged. */
  level?: string;
  /** Where lines go; default stdout. Tests pass a stream to read them back. */
  destination?: DestinationStream;
}

const SECRET_KEYS = [
  'authorization',
  'cookie',
  'password',
  'token',
  'accessToken',
  'access_token',
  'callbackToken',
  'apikey',
  'apiKey',
  'secret',
  'serviceRoleKey',
  'jwtSecret',
];

const REDACT_PATHS = SECRET_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`]);

export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      name: options.name,
      level: options.level ?? 'info',
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    options.destination,
  );
}

/** Caps a string for logging (prompts and bodies can be long). */
export function truncateForLog(text: string, max = 200): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length} chars)`;
}
