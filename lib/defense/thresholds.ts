import "server-only";
import { env } from "@/lib/env";

/** Waits of the n-th lock in a row: 1, 2, 4, 8 minutes, then 15 minutes for every further failure. */
export const LOCK_WAIT_CAP_MS = 15 * 60_000;
/** Failures counted towards suspension: the last 24 hours (and none from before the last unlock). */
export const SUSPEND_WINDOW_MS = 24 * 60 * 60_000;
/** Failures from one address counted towards a block: the last hour (and none from before its last block). */
export const IP_WINDOW_MS = 60 * 60_000;
/** First block of an address lasts an hour; each repeat doubles it, capped at a week. */
export const IP_BLOCK_BASE_MS = 60 * 60_000;
export const IP_BLOCK_CAP_MS = 7 * 24 * 60 * 60_000;

export function lockAfter(): number {
  return env().DEFENSE_LOCK_AFTER_FAILURES;
}
export function suspendAfter(): number {
  return env().DEFENSE_SUSPEND_AFTER_FAILURES;
}
export function ipFailuresPerHour(): number {
  return env().DEFENSE_IP_FAILURES_PER_HOUR;
}

export function lockWaitMs(level: number): number {
  return Math.min(60_000 * 2 ** Math.max(0, level - 1), LOCK_WAIT_CAP_MS);
}

export function ipBlockMs(blocks: number): number {
  return Math.min(IP_BLOCK_BASE_MS * 2 ** Math.max(0, blocks - 1), IP_BLOCK_CAP_MS);
}

/** The host part of a single-address CIDR for the firewall: /32 for IPv4, /128 for IPv6. */
export function hostCidr(ip: string): string {
  return ip.includes(":") ? `${ip}/128` : `${ip}/32`;
}
