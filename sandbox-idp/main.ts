/**
 * `npm run sandbox-idp`: starts the sandbox identity provider (and its local DNS server).
 * `npm run sandbox-idp -- push ...`: hands over to the SCIM client in ./scim-push.ts when present.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { configFromEnv } from "./config";
import { SANDBOX_PASSWORD } from "./directory";
import { startSandboxIdp } from "./idp";

const [command, ...rest] = process.argv.slice(2);
if (command === "push") {
  const file = path.join(import.meta.dirname, "scim-push.ts");
  if (!existsSync(file)) {
    console.error("[sandbox-idp] push: the SCIM client (sandbox-idp/scim-push.ts) is not installed.");
    process.exit(1);
  }
  const mod = (await import(file)) as { runScimPushCli: (args: string[]) => Promise<number> };
  process.exit(await mod.runScimPushCli(rest));
} else {
  const options = configFromEnv();
  const idp = await startSandboxIdp(options);
  console.log(`[sandbox-idp] issuer ${idp.issuer}  client ${options.clientId}  DNS 127.0.0.1:${idp.dns.port} (udp)`);
  console.log(`[sandbox-idp] users ${idp.users.map((u) => `${u.email} [${u.groups.join(", ")}]`).join("; ")}  password ${SANDBOX_PASSWORD}`);
  const stop = () => void idp.close().then(() => process.exit(0));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}
