/** A timestamp as people read it, in UTC so server and browser agree. */
export function UtcTime({ date, fallback = "never" }: { date: Date | string | null; fallback?: string }) {
  if (!date) return <>{fallback}</>;
  const d = typeof date === "string" ? new Date(date) : date;
  return <time dateTime={d.toISOString()}>{d.toLocaleString("en-GB", { timeZone: "UTC", dateStyle: "medium", timeStyle: "short" })} UTC</time>;
}
