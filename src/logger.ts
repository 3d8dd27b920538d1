import { pino, type Logger, type LoggerOptions } from 'pino';

/**
 * Paths that may carry secrets. Keys and tokens never reach the logs, whichever
 * object they hide in.
 */
export const redactedPaths = [
  'req.headers.authorization',
  'headers.authorization',
  'authorization',
  'token',
  'key',
  'apiKey',
  'secret',
  '*.token',
  '*.key',
  '*.secret',
  'adminToken',
];

export function loggerOptions(level: string): LoggerOptions {
  return { level, redact: { paths: redactedPaths, censor: '[redacted]' } };
}

export function createLogger(level: string, name?: string): Logger {
  return pino({ ...loggerOptions(level), name });
}

export type { Logger };
