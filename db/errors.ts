/**
 * The one place that recognises "the database cannot serve us right now", as opposed to "this
 * request was wrong". The route and action wrappers, the page gate and the error page all ask here.
 * No imports and no "server-only": the proxy and app/error.tsx (a client component) use it too.
 */

/** Digest Next keeps on a page error that carries it: app/error.tsx shows the "unavailable" page for it. */
export const DATABASE_UNAVAILABLE_DIGEST = "CK_DATABASE_UNAVAILABLE";
export const DATABASE_UNAVAILABLE_MESSAGE = "ChargeKeep is temporarily unavailable. Try again in a moment.";
/** Seconds a client is asked to wait (Retry-After); the pool reconnects within about a second. */
export const DATABASE_RETRY_AFTER_SECONDS = 3;

/** Thrown by our own code when it gave up waiting for the database (and made sure nothing ran). */
export class DatabaseUnavailableError extends Error {
  readonly digest = DATABASE_UNAVAILABLE_DIGEST;
  constructor(
    message = "The database did not answer in time.",
    readonly reason: "connection" | "timeout" = "connection",
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "DatabaseUnavailableError";
  }
}

// postgres.js's own connection failures (errors.js: Errors.connection).
const DRIVER_CONNECTION_CODES = new Set(["CONNECTION_CLOSED", "CONNECTION_DESTROYED", "CONNECT_TIMEOUT", "CONNECTION_ENDED"]);
// Socket errors: they only count when they come out of the database driver (see below).
const SOCKET_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND", "EAI_AGAIN", "ECONNABORTED"]);
// SQLSTATEs: class 08 connection exception; 57P01-57P03 shutdown / crash / starting up;
// 53300 too many connections; 25P03 idle-in-transaction timeout (the server closed the session).
const SQLSTATE_CONNECTION = /^(08...|57P0[123]|53300|25P03)$/;
// 57014: query_canceled, which statement_timeout raises.
const SQLSTATE_TIMEOUT = "57014";
// Failures that say the server cannot be reached at all right now, rather than that one connection
// ended (pg_terminate_backend and the idle-in-transaction timeout end one connection, not the service).
const UNREACHABLE_CODES = new Set(["ECONNREFUSED", "CONNECT_TIMEOUT", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND", "EAI_AGAIN", "57P02", "57P03", "08001", "08004"]);

type Coded = { code?: unknown; name?: unknown; cause?: unknown; query?: unknown };

/** The driver's or the server's code of a database failure, following `cause` (Drizzle wraps driver errors). */
function databaseErrorCode(e: unknown): string | null {
  let fromDriver = false;
  for (let cur = e as Coded | undefined, depth = 0; cur && typeof cur === "object" && depth < 6; cur = cur.cause as Coded, depth++) {
    const code = typeof cur.code === "string" ? cur.code : "";
    if (DRIVER_CONNECTION_CODES.has(code)) return code;
    // A DrizzleQueryError, a PostgresError, or a postgres.js query error (it carries .query) came from the database;
    // a socket error elsewhere (a bank's fetch) is not ours to call a database outage.
    if (cur.name === "DrizzleQueryError" || cur.name === "PostgresError" || "query" in cur) fromDriver = true;
    if (fromDriver && (SQLSTATE_CONNECTION.test(code) || code === SQLSTATE_TIMEOUT || SOCKET_CODES.has(code))) return code;
  }
  return null;
}

/**
 * "connection": the database cannot be reached or dropped our connection; "timeout": it answered
 * too slowly (statement timeout, or no connection free in time); null: anything else (a bug, a
 * constraint, bad input), which stays a 500 or whatever its handler makes of it.
 */
export function databaseFailureKind(e: unknown): "connection" | "timeout" | null {
  for (let cur = e as Coded | undefined, depth = 0; cur && typeof cur === "object" && depth < 6; cur = cur.cause as Coded, depth++) {
    if (cur instanceof DatabaseUnavailableError) return cur.reason;
  }
  const code = databaseErrorCode(e);
  if (code === null) return null;
  return code === SQLSTATE_TIMEOUT ? "timeout" : "connection";
}

/** Requests answer 503 (with Retry-After) for these, never 500. */
export function isDatabaseUnavailable(e: unknown): boolean {
  return databaseFailureKind(e) !== null;
}

/** Stricter: the server itself is unreachable (refused, timed out, starting up). Opens the circuit breaker. */
export function isDatabaseUnreachable(e: unknown): boolean {
  const code = databaseErrorCode(e);
  return code !== null && UNREACHABLE_CODES.has(code);
}

/** Rethrows a database outage as DatabaseUnavailableError (whose digest pages can read), anything else as it was. */
export function asDatabaseUnavailable(e: unknown): never {
  const kind = databaseFailureKind(e);
  if (kind === null || e instanceof DatabaseUnavailableError) throw e;
  throw new DatabaseUnavailableError(undefined, kind, { cause: e });
}
