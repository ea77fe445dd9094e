/**
 * How fresh a connection's figures are, in the words the dashboard shows: "synced 5 minutes ago",
 * "needs re-authorization". Pure: the page passes the time it renders at.
 */
export type Freshness = { text: string; tone: "ok" | "stale" | "action" };

const STALE_AFTER_MS = 36 * 3_600_000;
const rtf = new Intl.RelativeTimeFormat("en", { numeric: "auto" });

export function timeAgo(then: Date, now: Date): string {
  const seconds = Math.round((now.getTime() - then.getTime()) / 1000);
  if (seconds < 45) return "just now";
  const steps: [number, Intl.RelativeTimeFormatUnit][] = [
    [60, "minute"],
    [3600, "hour"],
    [86_400, "day"],
    [30 * 86_400, "month"],
  ];
  let unit: Intl.RelativeTimeFormatUnit = "minute";
  let size = 60;
  for (const [s, u] of steps) if (seconds >= s) [size, unit] = [s, u];
  return rtf.format(-Math.max(1, Math.round(seconds / size)), unit);
}

export function describeFreshness(c: { status: string; lastSyncedAt: Date | null }, now: Date): Freshness {
  if (c.status === "reauth_required") return { text: "needs re-authorization", tone: "action" };
  if (c.status === "disconnected") return { text: "disconnected", tone: "stale" };
  if (c.status === "pending") return { text: "connecting", tone: "stale" };
  if (!c.lastSyncedAt) return { text: c.status === "error" ? "first sync failed, retrying" : "first sync in progress", tone: c.status === "error" ? "action" : "stale" };
  const synced = `synced ${timeAgo(c.lastSyncedAt, now)}`;
  if (c.status === "error") return { text: `${synced}; the last attempt failed, retrying`, tone: "action" };
  if (c.status === "syncing") return { text: `${synced}; updating now`, tone: "ok" };
  return { text: synced, tone: now.getTime() - c.lastSyncedAt.getTime() > STALE_AFTER_MS ? "stale" : "ok" };
}
