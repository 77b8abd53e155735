/** The little of a logger (pino's shape) the database needs to report connection trouble. */
export interface DatabaseLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

export const SILENT_LOGGER: DatabaseLogger = { info() {}, warn() {} };
