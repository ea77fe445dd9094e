import { now } from "@/lib/clock";
import { env } from "@/lib/env";
import { compileRules, decide, type ActiveRule, type CompiledRules, type FirewallDecision } from "./rule-set";

/**
 * The rule set each process answers from. No database import here: the middleware (proxy.ts) uses
 * this module, and the loader that reads the database is registered at boot (loadFirewall in
 * ./store.ts). Decisions never wait on I/O: when the last version check is older than
 * FIREWALL_REFRESH_SECONDS, a decision starts a background check of the version counter and the
 * rules are re-read only when it moved. A change therefore applies on every server within about
 * that interval, and at once on the server that made it.
 */
export type FirewallSource = {
  readVersion(): Promise<number>;
  /** Rules not expired at `at`. */
  readRules(at: Date): Promise<ActiveRule[]>;
};

type State = {
  source?: FirewallSource;
  compiled?: CompiledRules;
  version: number | null;
  /** Epoch ms (lib/clock) of the last version check, successful or not. */
  checkedAt: number;
  inflight?: Promise<void>;
};

// On globalThis: the middleware, route handlers and instrumentation have separate module graphs in one process.
const KEY = Symbol.for("chargekeep.firewall");
const holder = globalThis as { [KEY]?: State };
const state = (): State => (holder[KEY] ??= { version: null, checkedAt: 0 });

function refreshMs(): number {
  return env().FIREWALL_REFRESH_SECONDS * 1000;
}

/** Where rules come from (the database, in production); replaces any earlier source. */
export function registerFirewallSource(source: FirewallSource): void {
  const s = state();
  s.source = source;
}

export function hasFirewallSource(): boolean {
  return Boolean(state().source);
}

/** Whether a rule set has been loaded in this process. */
export function firewallLoaded(): boolean {
  return Boolean(state().compiled);
}

/**
 * Checks the version and reloads the rules if it moved (or `force`). Never throws: a failed check
 * keeps the rules already loaded and is retried after the interval.
 */
export function refreshFirewall(force = false): Promise<void> {
  const s = state();
  if (s.inflight) return force ? s.inflight.then(() => refreshFirewall(true)) : s.inflight;
  const source = s.source;
  if (!source) return Promise.resolve();
  const run = (async () => {
    try {
      const version = await source.readVersion();
      if (force || !s.compiled || version !== s.version) {
        const at = now();
        s.compiled = compileRules(await source.readRules(at), at.getTime());
        s.version = version;
      }
    } catch (e) {
      console.warn(`[firewall] could not refresh the rules (${e instanceof Error ? e.message.split("\n")[0] : String(e)}); keeping the ones loaded`);
    } finally {
      s.checkedAt = now().getTime();
      s.inflight = undefined;
    }
  })();
  s.inflight = run;
  return run;
}

/**
 * The decision for a client address, from memory. With `organizationId` (a session's organization),
 * that organization's allow-list and deny rules apply too. Before the first load it allows (the
 * middleware cannot wait on the database); lib/bootstrap loads the rules before the server listens.
 */
export function firewallDecision(ip: string | null | undefined, options: { organizationId?: string | null } = {}): FirewallDecision {
  const s = state();
  const t = now().getTime();
  // A clock that moved backwards (tests) counts as stale too.
  if (s.source && !s.inflight && (t - s.checkedAt >= refreshMs() || t < s.checkedAt)) void refreshFirewall();
  if (!s.compiled) return { allowed: true };
  if (t >= s.compiled.validUntil) s.compiled = compileRules(s.compiled.rules, t); // a rule expired since the load
  return decide(s.compiled, ip, options.organizationId);
}

const TIMER = Symbol.for("chargekeep.firewall.timer");
const timers = globalThis as { [TIMER]?: NodeJS.Timeout };

/**
 * A check on a timer, not on a request: every half FIREWALL_REFRESH_SECONDS, so an idle instance's
 * first request after a change is already decided by the new rules even if the pushed notice
 * (lib/firewall/push.ts) was lost. Started at boot; the request path keeps its own check as a backstop.
 */
export function startFirewallTimer(): void {
  if (timers[TIMER]) return;
  timers[TIMER] = setInterval(() => void refreshFirewall(), Math.max(250, refreshMs() / 2));
  timers[TIMER].unref?.();
}

export function stopFirewallTimer(): void {
  clearInterval(timers[TIMER]);
  delete timers[TIMER];
}

/** The loaded version and when it was last checked (epoch ms): tests and the operators' health detail. */
export function firewallFreshness(): { version: number | null; checkedAt: number } {
  const s = state();
  return { version: s.version, checkedAt: s.checkedAt };
}

/** Tests only: forget the source, the rules and the version. */
export function resetFirewallForTests(): void {
  delete holder[KEY];
}
