// SQLSTATE class 08 (connection exception), the server shutting down or starting up (57P01–57P03),
// too many connections (53300); the socket errors when the server is gone; and node-postgres's own
// messages for a connection lost mid-query or a pool that could not connect in time.
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']);
const SOCKET_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
const LOST_CONNECTION = /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error)/;

/**
 * Whether a failure means the database could not be reached (restarting, down, out of
 * connections) rather than that the request was wrong: answered 503 with Retry-After, so clients
 * try again instead of treating it as a bug.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && ((code.length === 5 && code.startsWith('08')) || UNAVAILABLE_SQLSTATES.has(code) || SOCKET_ERRORS.has(code))) return true;
  return error instanceof Error && LOST_CONNECTION.test(error.message);
}

/** Seconds a client is asked to wait before trying again. */
export const RETRY_AFTER_SECONDS = 2;
