// postinstall: guards in postgres.js 3.4.x (node_modules/postgres/{src,cjs/src,cf/src}/connection.js)
// for a connection whose socket fails (a database restart, a dropped network). Found by db/outage.test.ts.
// 1. execute() refuses a query on a connection whose socket failed and that has not finished
//    reconnecting. Unpatched, a query handed to it between the socket's "error" and "close" events
//    is dropped by close and never settles (the caller hangs), and a dead transaction's own ROLLBACK
//    (postgres.js sends it when the callback fails) is buffered onto the NEXT socket of that pooled
//    connection, ahead of its startup message: the reconnect hangs until the connect timeout.
// 2. close() rejects whatever is still waiting on the connection, also after a socket error
//    (unpatched it assumes the error already did, which misses the queries of point 1).
// 3. nextWrite() does not touch a socket that is already gone. Unpatched, `socket.write` on null
//    throws "Cannot read properties of null (reading 'write')" from a setImmediate: an uncaught
//    exception no caller can catch (upstream porsager/postgres issues 1154 and 1208; fix in PR 1209,
//    unreleased). All of them reject with CONNECTION_CLOSED, which the app answers as 503.
// Idempotent; fails loudly when postgres.js no longer has the code it patches (then re-check upstream).
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

const MARK = "chargekeep patch";
const EDITS = [
  // a flag: closed, and not yet ready again
  ["    , final = null\n", `    , final = null\n    , stale = false // ${MARK}: closed, not yet ready again\n`],
  [
    "  function execute(q) {\n    if (terminated)\n",
    `  function execute(q) {\n    if (stale) // ${MARK}: a query for the connection that closed\n      return queryError(q, Errors.connection('CONNECTION_CLOSED', options))\n\n    if (terminated)\n`,
  ],
  ["  function ReadyForQuery(x) {\n", `  function ReadyForQuery(x) {\n    stale = false // ${MARK}\n`],
  ["  function error(err) {\n", `  function error(err) {\n    stale = true // ${MARK}: a socket error always ends the socket\n`],
  [
    "    !hadError && (query || sent.length) && error(Errors.connection('CONNECTION_CLOSED', options, socket))\n",
    `    ;(query || sent.length) && error(Errors.connection('CONNECTION_CLOSED', options, socket)) // ${MARK}: also after a socket error\n`,
  ],
  ["  async function closed(hadError) {\n", `  async function closed(hadError) {\n    stale = true // ${MARK}\n`],
  [
    "  function nextWrite(fn) {\n    const x = socket.write(chunk, fn)\n",
    "  function nextWrite(fn) {\n" +
      `    if (!socket) { // ${MARK}: porsager/postgres#1208\n` +
      "      const err = Errors.connection('CONNECTION_CLOSED', options)\n" +
      "      chunk = nextWriteTimer = null\n" +
      "      query && queryError(query, err)\n" +
      "      while (sent.length) queryError(sent.shift(), err)\n" +
      "      return false\n" +
      "    }\n" +
      "    const x = socket.write(chunk, fn)\n",
  ],
];

const root = path.join(process.cwd(), "node_modules", "postgres");
if (!existsSync(root)) process.exit(0); // not installed (a partial install): nothing to patch
let patched = 0;
for (const dir of ["src", "cjs/src", "cf/src"]) {
  const file = path.join(root, dir, "connection.js");
  if (!existsSync(file)) continue;
  let text = readFileSync(file, "utf8");
  if (text.includes(MARK)) continue;
  for (const [from, to] of EDITS) {
    if (text.split(from).length !== 2) {
      console.error(`patch-postgres: ${file} does not contain the code this patch expects exactly once:\n${from}\nCheck whether the installed postgres.js fixed writes on a closed connection (issue 1208) and update or drop scripts/patch-postgres.mjs.`);
      process.exit(1);
    }
    text = text.replace(from, to);
  }
  writeFileSync(file, text);
  patched++;
}
if (patched) console.log(`patch-postgres: guarded ${patched} copies of postgres.js against queries on a closed connection`);
