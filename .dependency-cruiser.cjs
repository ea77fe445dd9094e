/**
 * ChargeKeep's architecture, enforced (issue 19). `npm run lint` runs `depcruise --validate` with this file
 * and fails on any violation not listed in .dependency-cruiser-known-violations.json (a baseline that only
 * shrinks). docs/ARCHITECTURE.md ("Layers") explains the layers; `npm run arch:graph` draws them.
 *
 * A capability is a folder under lib/. Its public face is lib/<cap>/index.ts, imported as `@/lib/<cap>`.
 * Type-only imports count (tsPreCompilationDeps): a type is a dependency too.
 */

/**
 * The graph is the product's: test files, end-to-end specs and benchmarks are left out of the cruise
 * (tests may reach into the capability they test, and may import tests/support/). tests/ is not cruised
 * either, but an import of it from production code still shows up, and is refused.
 */
const TEST_FILES = "\\.test\\.tsx?$|^(e2e|bench)/";

/**
 * Second public faces, each named with its reason. Everything else under lib/<cap>/ is private to <cap>.
 */
const SECOND_FACES = [
  // The session cookie's names and serializers, for proxy.ts and route handlers: the credentials index
  // pulls in the database and argon2, which the proxy must not load on every request.
  "lib/credentials/cookie\\.ts",
  // Hashes and random tokens alone, for the rate limiter the proxy loads and the mail outbox: the
  // crypto index brings the keyring and the database client.
  "lib/crypto/tokens\\.ts",
  // The bank HTTP client (timeouts, retries) that lib/sync shares: the banking index carries the
  // connect flow, which needs Next's request and would break the sync worker's and CLI imports.
  "lib/banking/retry-fetch\\.ts",
  // The demo seed alone, for `npm run db:seed`: the bootstrap index is the Next server's start-up and
  // loads Next's request code, which a plain Node process cannot.
  "lib/bootstrap/seed\\.ts",
  // The encrypted column type, which db/schema declares on its columns (see db-schema-no-business-rule).
  "lib/crypto/columns\\.ts",
  // For plain Node processes (the CLI commands, the SFTP process): these capabilities' indexes also
  // carry web flows that load Next's request code (lib/auth's gate), which only runs inside Next.
  "lib/mfa/reset\\.ts",
  "lib/banking/institutions\\.ts",
  "lib/sftp/server\\.ts",
  // What proxy.ts (the middleware) needs from a capability, free of the database and of "server-only"
  // modules, so the proxy bundle never loads the database client on a request.
  "lib/(auth|firewall|gate|http|ratelimit)/edge\\.ts",
  // Constants and helpers a client component may import: "use client" code must not pull in a
  // server-only index.
  "lib/(gate|http)/client\\.ts",
  // The Node HTTP server and the proxy's hand-over header names, for scripts/server.ts: it runs under plain
  // node/tsx (no react-server condition), where lib/http's index, which holds server-only modules, cannot load.
  "lib/http/(node-server|client-ip)\\.ts",
];

const PUBLIC_FACE = `^(lib/[^/]+/index\\.tsx?${SECOND_FACES.map((f) => `|${f}`).join("")})$`;

/**
 * The layers, bottom to top. A layer may import any layer below it and never one above it; inside a
 * layer, capabilities may import each other as long as no cycle forms (no-capability-cycle). The same
 * list draws the picture in docs/ARCHITECTURE.md (`npm run arch:graph`). Each entry: the capabilities
 * (folders under lib/) or other top-level paths it holds, and why it sits where it does.
 */
const LAYERS = [
  {
    name: "foundations",
    why: "configuration, time, errors, TLS policy, object stores and HTTP primitives (client IP, body limits, boundary text): no business rule, no identity",
    caps: ["env", "clock", "errors", "tls", "storage", "http"],
  },
  {
    name: "data access",
    why: "the schema, migrations and the client (PGlite or postgres.js)",
    paths: ["db/"],
    // See db-schema-no-business-rule: the encrypted column type is declared on the column itself.
    except: "^lib/crypto/columns\\.ts$",
  },
  {
    name: "platform services",
    why: "encryption at rest (its keyring lives in the database), mail, rate limits, the job queue (pg-boss), the health probe",
    caps: ["crypto", "mail", "ratelimit", "jobs", "health"],
  },
  {
    name: "audit log",
    why: "the sink every layer above records into; it tells subscribers (alerts) about each recorded event and imports none of them",
    caps: ["audit"],
  },
  {
    name: "identity and access",
    why:
      "bottom to top: the permission catalogue, credentials (passwords, tokens, session rows, the session context type, step-up), " +
      "roles and permissions, the firewall, brute-force defense, auth (sign-in, the gate, the session query), MFA, organizations, " +
      "SCIM provisioning (the organization's directory drives memberships, suspension and group roles)",
    caps: ["permissions", "credentials", "rbac", "firewall", "defense", "auth", "mfa", "orgs", "scim"],
  },
  { name: "monitoring", why: "velocity rules hear recorded audit events and system signals through subscriptions", caps: ["alerts"] },
  {
    name: "business",
    why:
      "what customers come for: banks, sync, imports, reports, exports, backups, SFTP, contact; single sign-on, which " +
      "builds on auth, MFA and roles and shares the banks' rule for outside issuer URLs; and the security posture page, which reads them all",
    caps: ["banking", "sync", "imports", "reports", "exports", "backup", "sftp", "contact", "sso", "posture"],
  },
  {
    name: "start-up",
    why: "wires the capabilities together at boot (migrations, keyring, subscriptions), seeds the demo through the product's own flows (demo) and runs background work (workers)",
    caps: ["bootstrap", "demo", "workers"],
  },
  {
    name: "delivery",
    why: "the gate (route and action wrappers, page guards), pages, actions and route handlers, UI components, the proxy, command-line scripts, the SFTP process",
    caps: ["gate"],
    paths: ["app/", "components/", "proxy.ts", "instrumentation.ts", "scripts/", "sftp-server/"],
  },
];

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
/** A regular expression matching every module of the given layers. */
function layerPath(layers) {
  const caps = layers.flatMap((l) => l.caps ?? []);
  const paths = layers.flatMap((l) => l.paths ?? []).map(escape);
  const parts = [...(caps.length ? [`lib/(${caps.join("|")})/`] : []), ...paths];
  return `^(${parts.join("|")})`;
}

const layerRules = LAYERS.slice(0, -1).map((layer, i) => ({
  name: `layer-${layer.name.replace(/ /g, "-")}`,
  severity: "error",
  comment: `The ${layer.name} layer imports only layers below it (docs/ARCHITECTURE.md, Layers).`,
  from: { path: layerPath([layer]) },
  to: { path: layerPath(LAYERS.slice(i + 1)), ...(layer.except ? { pathNot: layer.except } : {}) },
}));

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: "no-capability-cycle",
      severity: "error",
      comment:
        "Capabilities form one direction (docs/ARCHITECTURE.md, Layers). A cycle between two capabilities, " +
        "through any number of others and including type-only imports, is refused. Folder scope: a cycle " +
        "between folders counts even when no single module closes it.",
      scope: "folder",
      from: { path: "^lib/([^/]+)" },
      to: { path: "^lib/", pathNot: "^lib/$1(/|$)", circular: true },
    },
    {
      name: "no-deep-capability-import-from-lib",
      severity: "error",
      comment: "A capability imports another only through its index.ts (`@/lib/<cap>`), never a deep path.",
      from: { path: "^lib/([^/]+)/" },
      to: { path: "^lib/[^/]+/", pathNot: ["^lib/$1/", PUBLIC_FACE] },
    },
    {
      name: "no-deep-capability-import",
      severity: "error",
      comment:
        "Outside lib/, code imports a capability only through its index.ts (`@/lib/<cap>`).",
      from: { pathNot: "^lib/" },
      to: { path: "^lib/[^/]+/", pathNot: PUBLIC_FACE },
    },
    {
      name: "components-not-to-db-or-app",
      severity: "error",
      comment: "components/ is UI: data comes in by props and actions are passed in; no database, no app/ code.",
      from: { path: "^components/" },
      to: { path: "^(db|app)/" },
    },
    {
      name: "lib-not-to-delivery",
      severity: "error",
      comment: "lib/ is below the delivery layer: it never imports app/, components/ or the sandbox bank.",
      from: { path: "^lib/" },
      to: { path: "^(app|components|sandbox-bank)/" },
    },
    {
      name: "app-db-only-through-lib",
      severity: "error",
      comment:
        "app/ reaches the database only through lib/: the route/action wrappers and page guards hand over " +
        "what a handler needs, and lib functions own their queries. Row types from db/schema are re-exported by lib.",
      from: { path: "^app/" },
      to: { path: "^db/" },
    },
    {
      name: "db-schema-no-business-rule",
      severity: "error",
      comment:
        "db/schema describes tables and knows no business rule. Its one exception is the encrypted column " +
        "type (lib/crypto/columns.ts): a Drizzle custom type has to be declared on the column itself.",
      from: { path: "^db/schema/" },
      to: { path: "^lib/", pathNot: "^lib/crypto/columns\\.ts$" },
    },
    {
      name: "db-below-lib",
      severity: "error",
      comment:
        "db/ (client, migrations, schema) sits below the capabilities: it gets configuration from the leaf " +
        "env module and nothing else from lib/.",
      from: { path: "^db/", pathNot: "^db/schema/" },
      to: { path: "^lib/", pathNot: "^lib/env/" },
    },
    {
      name: "sandbox-bank-shares-nothing",
      severity: "error",
      comment: "The sandbox bank is a separate institution: it imports nothing of ChargeKeep's.",
      from: { path: "^sandbox-bank/" },
      to: { pathNot: "^(sandbox-bank/|node_modules/)", dependencyTypes: ["local", "aliased-tsconfig", "aliased"] },
    },
    {
      name: "app-not-to-sandbox-bank",
      severity: "error",
      comment:
        "Nothing of the product imports the sandbox bank; only tests (left out of the cruise) start it. The sandbox " +
        "identity provider, the other offline stand-in for an outside party, reuses its page and HTTP helpers.",
      from: { pathNot: "^(sandbox-bank|sandbox-idp)/" },
      to: { path: "^sandbox-bank/" },
    },
    {
      name: "production-not-to-test-support",
      severity: "error",
      comment: "Production code never imports test support (tests/support/ and other test code).",
      from: {},
      to: { path: "^tests/" },
    },
  ],
  options: {
    doNotFollow: { path: ["node_modules", "^tests/"] },
    exclude: { path: ["(^|/)(node_modules|\\.next[^/]*|\\.data|\\.test-output)/", TEST_FILES] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      extensions: [".ts", ".tsx", ".js", ".mjs", ".cjs", ".json"],
    },
    reporterOptions: {
      archi: {
        collapsePattern: "^(lib/[^/]+|app|components|db|sandbox-bank|sftp-server|scripts|tests|e2e|bench)",
      },
    },
  },
};

// scripts/arch-graph.mjs draws the picture from the same list. Not enumerable: depcruise refuses unknown keys.
Object.defineProperty(module.exports, "layers", { value: LAYERS, enumerable: false });
