/**
 * lib/gate's database-free face for proxy.ts: the 503 answer while the database is known to be down
 * (the circuit breaker's state is in memory). index.ts brings the wrappers and the session query.
 */
export { databaseOutageRefusal } from "./unavailable";
