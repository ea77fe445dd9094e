/**
 * `npm run attack -- <app URL> --victim <e-mail> [options]`: replays the two attacks the sign-in
 * defense (lib/defense) is built for against a RUNNING ChargeKeep on this machine, and prints what
 * happened. Loopback only (refuses any other host) and bounded (attempts and waiting time capped).
 *
 *   1. Brute force: wrong passwords against one account until it is suspended (locks are waited out).
 *   2. Credential stuffing: one address, up to 200 accounts (unknown e-mails and the victim's), until
 *      the address is blocked.
 *
 * Options:
 *   --victim <e-mail>          the account to guess against (e.g. the demo owner); required
 *   --victim-password <pw>     optional: tried once while the account is locked, to show that even the
 *                              right password gets the same "locked" answer (never counted as a success)
 *   --via-trusted-header       send each scenario from its own documentation address (198.51.100.x) in
 *                              x-real-ip / x-forwarded-for; needs the server started with TRUST_PROXY=vercel
 *                              (or heroku). Without it every attempt comes from 127.0.0.1, and the
 *                              stuffing scenario would block your own loopback address for an hour.
 *   --allow-self-block         run the stuffing scenario without --via-trusted-header anyway
 *   --accounts <n>             stuffing: accounts to try (default 200, at most 500)
 *   --max-minutes <n>          total time the script may spend waiting out locks and limits (default 30)
 *   --only brute|stuffing      run one scenario
 *
 * With the default thresholds, suspension takes 20 failures spread over about three hours of lock
 * waits. For a demo, start the server with e.g. DEFENSE_SUSPEND_AFTER_FAILURES=7 (about 3 minutes).
 * Exit code 0 when no guess succeeded, the account ended suspended and the stuffing address blocked.
 */
import { randomUUID } from "node:crypto";
import { lookup } from "node:dns/promises";
import { isIP } from "node:net";

const USAGE = "Usage: npm run attack -- http://127.0.0.1:3000 --victim owner@example.test [--via-trusted-header] [--victim-password pw] [--accounts 200] [--max-minutes 30] [--only brute|stuffing]";
const MAX_BRUTE_ATTEMPTS = 60;
const MAX_ACCOUNTS = 500;

function arg(name: string): string | undefined {
  const args = process.argv.slice(2);
  const at = args.indexOf(`--${name}`);
  if (at >= 0) return args[at + 1];
  return args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
}
const flag = (name: string) => process.argv.slice(2).includes(`--${name}`);
function fail(message: string): never {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
}

function isLoopback(address: string): boolean {
  const a = address.replace(/^\[|\]$/g, "");
  if (isIP(a) === 4) return a.startsWith("127.");
  if (isIP(a) === 6) return a === "::1" || /^::ffff:127\./i.test(a);
  return false;
}

/** Loopback only: a literal loopback address, or a name that resolves to nothing but loopback. */
async function loopbackTarget(raw: string | undefined): Promise<URL> {
  if (!raw || raw.startsWith("--")) fail("Give the app's URL first.");
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    fail(`"${raw}" is not a URL.`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") fail("The URL must be http:// or https://.");
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (isIP(host)) {
    if (!isLoopback(host)) fail(`Refusing ${host}: this script only attacks an app on this machine (127.0.0.0/8, ::1, localhost).`);
  } else {
    const addresses = await lookup(host, { all: true }).catch(() => []);
    if (addresses.length === 0 || !addresses.every((a) => isLoopback(a.address))) fail(`Refusing ${host}: it does not resolve to loopback only.`);
  }
  return url;
}

type Answer = { status: number; code: string; message: string; retryAfterSeconds: number };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main() {
  const target = await loopbackTarget(process.argv[2]);
  const victim = arg("victim");
  if (!victim || !victim.includes("@")) fail("Give the victim account with --victim <e-mail>.");
  const victimPassword = arg("victim-password");
  const viaHeader = flag("via-trusted-header");
  const accounts = Math.min(MAX_ACCOUNTS, Math.max(1, Number(arg("accounts") ?? 200) || 200));
  const maxWaitMs = Math.max(0, Number(arg("max-minutes") ?? 30) || 0) * 60_000;
  const only = arg("only");
  if (only && only !== "brute" && only !== "stuffing") fail("--only takes brute or stuffing.");
  let waitedMs = 0;

  const endpoint = new URL("/api/auth/sign-in", target);
  async function signIn(email: string, password: string, sourceIp: string | null): Promise<Answer> {
    const headers: Record<string, string> = { "content-type": "application/json", origin: target.origin, "user-agent": "chargekeep-attack-script" };
    if (sourceIp) {
      headers["x-real-ip"] = sourceIp; // TRUST_PROXY=vercel
      headers["x-forwarded-for"] = sourceIp; // TRUST_PROXY=heroku (last entry)
      // Behind a trusting proxy the app also believes its scheme header: say the edge spoke HTTPS, as
      // Vercel and Heroku do, or a production build answers every request with the HTTPS redirect.
      headers["x-forwarded-proto"] = "https";
    }
    const res = await fetch(endpoint, { method: "POST", headers, body: JSON.stringify({ email, password }), redirect: "manual" });
    const body = (await res.json().catch(() => ({}))) as { ok?: boolean; error?: { code?: string; message?: string } };
    if (body.error?.code === "csrf_origin") {
      console.error(`The app refused the request's origin (${target.origin}): use the host name of its APP_URL.`);
      process.exit(2);
    }
    const retry = Number(res.headers.get("retry-after") ?? 0);
    const minutes = /in (\d+) minutes?/.exec(body.error?.message ?? "");
    return {
      status: res.status,
      code: res.ok ? "signed_in" : (body.error?.code ?? `http_${res.status}`),
      message: body.error?.message ?? "",
      retryAfterSeconds: retry || (minutes ? Number(minutes[1]) * 60 : 0),
    };
  }
  /** Waits out a lock or limit when the budget allows; false = over budget, stop. */
  async function waitFor(seconds: number, why: string): Promise<boolean> {
    const ms = Math.max(1, seconds) * 1000 + 500;
    if (waitedMs + ms > maxWaitMs) {
      console.log(`  ${why}: would wait ${Math.ceil(ms / 1000)} s, over the --max-minutes budget. Stopping this scenario.`);
      return false;
    }
    console.log(`  ${why}: waiting ${Math.ceil(ms / 1000)} s`);
    waitedMs += ms;
    await sleep(ms);
    return true;
  }

  console.log(`Target ${target.origin} (loopback). Victim ${victim}. Source addresses: ${viaHeader ? "documentation addresses via trusted header" : "this machine (127.0.0.1)"}.`);
  let successes = 0;
  let suspended = false;
  let blocked = false;

  if (only !== "stuffing") {
    console.log("\n1. Brute force against one account");
    const ip = viaHeader ? "198.51.100.10" : null;
    let wrong = 0;
    let triedRightWhileLocked = false;
    for (let i = 1; i <= MAX_BRUTE_ATTEMPTS; i++) {
      const a = await signIn(victim, `wrong-guess-${i}-${randomUUID().slice(0, 8)}`, ip);
      if (a.code === "signed_in") successes++;
      if (a.code === "invalid_credentials") wrong++;
      console.log(`  guess ${String(i).padStart(2)}: ${a.status} ${a.code}${a.message ? ` - ${a.message}` : ""}`);
      if (a.code === "account_suspended") {
        suspended = true;
        break;
      }
      if (a.code === "network_blocked" || (a.status === 403 && a.code !== "account_locked")) {
        console.log("  the source address is refused; this scenario cannot go on from it.");
        break;
      }
      if (a.code === "account_locked" && victimPassword && !triedRightWhileLocked) {
        triedRightWhileLocked = true;
        const right = await signIn(victim, victimPassword, ip);
        if (right.code === "signed_in") successes++;
        console.log(`  the RIGHT password while locked: ${right.status} ${right.code} - ${right.message}`);
        console.log(`  same answer as a wrong guess: ${right.code === a.code && right.message === a.message ? "yes" : "NO"}`);
      }
      if (a.status === 423 || a.status === 429) {
        if (!(await waitFor(a.retryAfterSeconds || 60, a.status === 423 ? "account locked" : "rate limited"))) break;
      }
    }
    console.log(`  => ${wrong} wrong guesses counted, account ${suspended ? "SUSPENDED (the owner was e-mailed an unlock link)" : "not suspended"}.`);
  }

  if (only !== "brute") {
    console.log(`\n2. Credential stuffing: one address, ${accounts} accounts`);
    if (!viaHeader && !flag("allow-self-block")) {
      console.log("  skipped: without --via-trusted-header this would block 127.0.0.1 for an hour. Add --allow-self-block to run it anyway.");
    } else {
      const ip = viaHeader ? "198.51.100.20" : null;
      const tally: Record<string, number> = {};
      let i = 0;
      while (i < accounts) {
        // Every 20th try names the real account (a stale leaked password); the rest are unknown e-mails.
        const email: string = i % 20 === 0 ? victim : `stuffed-${i}-${randomUUID().slice(0, 8)}@example.invalid`;
        const a = await signIn(email, `Leaked-${randomUUID().slice(0, 6)}!`, ip);
        tally[a.code] = (tally[a.code] ?? 0) + 1;
        if (a.code === "signed_in") successes++;
        if (a.status === 429 && email === victim) {
          i++; // that account's own limit (left over from scenario 1): an attacker simply moves on
          continue;
        }
        if (a.status === 429) {
          if (!(await waitFor(a.retryAfterSeconds || 60, `rate limited after ${i} accounts`))) break;
          continue; // the same account again
        }
        i++;
        if (a.code === "network_blocked" || (a.status === 403 && !a.code.startsWith("account_") && a.code !== "suspended")) {
          blocked = true;
          console.log(`  account ${i}: ${a.status} ${a.code} - ${a.message || "refused by the firewall"}`);
          break;
        }
      }
      console.log(`  answers: ${Object.entries(tally).map(([k, v]) => `${k} x${v}`).join(", ")}`);
      console.log(`  => address ${blocked ? "BLOCKED" : "not blocked"} after ${i} accounts.`);
    }
  }

  console.log("\nSummary");
  console.log(`  successful guesses: ${successes}`);
  if (only !== "stuffing") console.log(`  account suspended:  ${suspended ? "yes" : "no"}`);
  if (only !== "brute") console.log(`  stuffing address blocked: ${blocked ? "yes" : "no"}`);
  console.log(`  time spent waiting: ${Math.round(waitedMs / 1000)} s`);
  if (suspended) console.log(`  Recover: open the unlock link mailed to ${victim} (dev: /dev/outbox), or an admin unlocks at /admin/defense.`);
  const ok = successes === 0 && (only === "stuffing" || suspended) && (only === "brute" || blocked);
  process.exit(ok ? 0 : 1);
}

await main().catch((e: unknown) => {
  const cause = e instanceof Error && e.cause instanceof Error ? ` (${e.cause.message})` : "";
  console.error(`Could not reach the app: ${e instanceof Error ? e.message : String(e)}${cause}. Is it running at that URL?`);
  process.exit(2);
});
