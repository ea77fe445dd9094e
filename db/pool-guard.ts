import "server-only";
import type { Sql } from "postgres";
import { isDatabaseKnownDown, noteDatabaseFailure, noteDatabaseSuccess } from "./availability";
import { DatabaseUnavailableError } from "./errors";

/** The parts of a postgres.js Query (src/query.js) this guard touches. */
type DriverQuery = {
  handler: (q: DriverQuery) => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  options: { onexecute?: unknown };
};

/**
 * Admission in front of the postgres.js pool, so that a request's work either starts soon or never:
 * - At most `limit` (the pool size) root queries and transactions are inside the driver at once;
 *   the rest wait here, in order, at most `waitMs`. One that waited longer fails with
 *   DatabaseUnavailableError (503) and is never sent. Unguarded, postgres.js queues without limit,
 *   and after an outage ran writes whose clients had long given up.
 * - While the database is unreachable (the circuit breaker is open) nothing waits: the queue is
 *   failed at once when the breaker opens, and a query that finds no free place fails at once.
 * - A transaction holds its place from BEGIN to COMMIT (the driver reserves a connection for it).
 * - Every result feeds the circuit breaker (availability.ts).
 * Queries inside a transaction run on its reserved connection and are not queued here.
 */
export function guardPool(client: Sql, { limit, waitMs }: { limit: number; waitMs: number }): void {
  let inFlight = 0;
  const waiting: Array<{ admit: () => void; fail: (error: Error) => void }> = [];

  const release = () => {
    inFlight--;
    waiting.shift()?.admit();
  };
  const unreachable = () => new DatabaseUnavailableError("The database is unreachable.", "connection");
  const acquire = (): Promise<void> => {
    if (inFlight < limit && waiting.length === 0) {
      inFlight++;
      return Promise.resolve();
    }
    if (isDatabaseKnownDown()) return Promise.reject(unreachable());
    return new Promise((resolve, reject) => {
      const entry = {
        admit: () => {
          clearTimeout(timer);
          inFlight++;
          resolve();
        },
        fail: (error: Error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      const timer = setTimeout(() => {
        waiting.splice(waiting.indexOf(entry), 1);
        entry.fail(new DatabaseUnavailableError("No database connection became free in time.", "timeout"));
      }, waitMs);
      waiting.push(entry);
    });
  };
  /** The breaker opened: whatever waits here would only run after its request was answered. */
  const failWaiting = () => {
    for (const entry of waiting.splice(0)) entry.fail(unreachable());
  };

  const unsafe = client.unsafe;
  client.unsafe = ((...args: Parameters<Sql["unsafe"]>) => {
    const q = unsafe(...args) as unknown as DriverQuery;
    const { resolve, reject } = q;
    let held = false;
    const settle = () => {
      if (!held) return;
      held = false;
      release();
    };
    q.resolve = (value) => {
      settle();
      noteDatabaseSuccess();
      resolve(value);
    };
    q.reject = (error) => {
      noteDatabaseFailure(error);
      if (isDatabaseKnownDown()) failWaiting(); // before this place frees up for the next in line
      settle();
      reject(error);
    };
    // The BEGIN that client.begin() sends (it passes onexecute): its transaction already holds a place.
    if (q.options.onexecute) return q;
    const handler = q.handler;
    q.handler = (query) =>
      acquire().then(
        () => {
          held = true;
          return handler(query);
        },
        (error: unknown) => query.reject(error),
      );
    return q;
  }) as unknown as Sql["unsafe"];

  const begin = client.begin;
  client.begin = (async (...args: unknown[]) => {
    await acquire();
    try {
      return await (begin as (...a: unknown[]) => Promise<unknown>)(...args);
    } finally {
      release();
    }
  }) as unknown as Sql["begin"];
}
