/**
 * Entry point: `tsx sandbox-bank/server.ts`. Starts Northwind Bank and Harbor Credit Union on
 * loopback and prints their issuers and demo sign-ins.
 */
import { startSandboxBank } from "./bank";
import { configFromEnv } from "./config";

const options = configFromEnv();
const bank = await startSandboxBank(options);
for (const inst of bank.institutions) {
  const demo = inst.spec.users[0];
  console.log(`[sandbox-bank] ${inst.spec.name}: issuer ${inst.issuer}  api ${inst.apiAudience}  demo ${demo?.email} / ${demo?.password}`);
}
console.log(`[sandbox-bank] client ${options.clientId}, redirect URIs ${options.redirectUris.join(" ")}`);

const stop = () => {
  void bank.close().then(() => process.exit(0));
};
process.once("SIGINT", stop);
process.once("SIGTERM", stop);
