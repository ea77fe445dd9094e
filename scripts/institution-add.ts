/**
 * `npm run institutions:add -- --slug acme --name "Acme Bank" --issuer https://id.acme.example \
 *    --client-id chargekeep --secret-env ACME_CLIENT_SECRET --resource https://api.acme.example/fdx \
 *    --api-base https://api.acme.example/fdx [--scopes "openid fdx:read"] [--auth-method client_secret_basic]
 *    [--consent-days 90] [--skip-discovery]`
 *
 * Adds (or updates, by slug) a bank ChargeKeep connects to by OAuth. The client secret is never an
 * argument (argv shows in `ps` and shell history): it is read from the environment variable named by
 * --secret-env, or from standard input with --secret-stdin. It is stored encrypted.
 */
import { parseArgs } from "node:util";
import nextEnv from "@next/env";

nextEnv.loadEnvConfig(process.cwd(), process.env.NODE_ENV !== "production");

const USAGE =
  "Usage: npm run institutions:add -- --slug <slug> --name <name> --issuer <https://…> --client-id <id> " +
  "(--secret-env <VAR> | --secret-stdin | --public-client) --resource <url> --api-base <url> " +
  "[--scopes \"openid fdx:read\"] [--auth-method client_secret_basic|client_secret_post] [--consent-days 90] [--skip-discovery]";

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

let args;
try {
  args = parseArgs({
    options: {
      slug: { type: "string" },
      name: { type: "string" },
      issuer: { type: "string" },
      "client-id": { type: "string" },
      "secret-env": { type: "string" },
      "secret-stdin": { type: "boolean" },
      "public-client": { type: "boolean" },
      scopes: { type: "string" },
      resource: { type: "string" },
      "api-base": { type: "string" },
      "auth-method": { type: "string" },
      "consent-days": { type: "string" },
      "skip-discovery": { type: "boolean" },
    },
    strict: true,
  }).values;
} catch (e) {
  // Includes any attempt to pass --secret / --client-secret on the command line.
  fail(`${e instanceof Error ? e.message : String(e)}\n${USAGE}\nThe client secret is never an argument: use --secret-env or --secret-stdin.`);
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8").trim();
}

const sources = [args["secret-env"], args["secret-stdin"], args["public-client"]].filter(Boolean).length;
if (sources !== 1) fail(`Give exactly one of --secret-env <VAR>, --secret-stdin or --public-client.\n${USAGE}`);
let secret: string | null = null;
if (args["secret-env"]) {
  secret = process.env[args["secret-env"]] ?? "";
  if (!secret) fail(`The environment variable ${args["secret-env"]} is empty or not set.`);
} else if (args["secret-stdin"]) {
  secret = await readStdin();
  if (!secret) fail("Nothing was read from standard input.");
}

const { getDbHandle, closeDb } = await import("../db");
const { runMigrations } = await import("../db/migrate");
const { loadKeyring } = await import("../lib/crypto");
const { institutionInputSchema, upsertInstitution } = await import("../lib/banking/institutions"); // not the index: it pulls in Next request code
// Audit events recorded here reach the alert rules, as in the server (lib/bootstrap).
(await import("../lib/alerts")).listenToAuditEvents();

const parsed = institutionInputSchema.safeParse({
  slug: args.slug,
  name: args.name,
  issuer: args.issuer,
  clientId: args["client-id"],
  clientSecret: secret,
  tokenAuthMethod: args["public-client"] ? "none" : (args["auth-method"] ?? "client_secret_basic"),
  scopes: args.scopes,
  resource: args.resource,
  apiBaseUrl: args["api-base"],
  consentDays: args["consent-days"],
});
if (!parsed.success) {
  fail(`${parsed.error.issues.map((i) => `  --${String(i.path[0] ?? "")}: ${i.message}`).join("\n")}\n${USAGE}`);
}

if (!args["skip-discovery"]) {
  // Fail now, not at a member's first click, if the issuer does not publish matching metadata.
  const oauth = await import("oauth4webapi");
  const issuer = new URL(parsed.data.issuer);
  const insecure = issuer.protocol === "http:" ? { [oauth.allowInsecureRequests]: true } : {};
  try {
    const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { ...insecure, signal: AbortSignal.timeout(15_000) }));
    const methods = as.code_challenge_methods_supported ?? [];
    if (!methods.includes("S256")) fail(`${issuer.href} does not advertise PKCE S256; ChargeKeep requires it.`);
    console.log(`Discovery OK: issuer ${as.issuer}, authorization ${as.authorization_endpoint}, revocation ${as.revocation_endpoint ?? "none"}.`);
  } catch (e) {
    fail(`Discovery at ${issuer.href} failed: ${e instanceof Error ? e.message : String(e)} (use --skip-discovery to add it anyway).`);
  }
}

try {
  const handle = getDbHandle(); // refuses with a clear message while the app holds the PGlite dir
  await runMigrations(handle);
  await loadKeyring(handle.db); // the client secret is an encrypted column
  const id = await upsertInstitution(handle.db, parsed.data);
  console.log(`Institution ${parsed.data.slug} (${parsed.data.name}) saved as ${id}; members with bank_connections:manage can now connect it.`);
  await closeDb();
} catch (e) {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
}
