const STYLES: Record<string, string> = {
  success: "bg-green-50 text-green-800",
  failure: "bg-amber-50 text-amber-900",
  denied: "bg-red-50 text-red-800",
};

/** An event's outcome as a word (never colour alone). */
export function AuditResult({ result }: { result: string }) {
  const label = result === "success" ? "Success" : result === "failure" ? "Failure" : result === "denied" ? "Denied" : result;
  return <span className={`rounded px-1.5 py-0.5 text-xs font-semibold ${STYLES[result] ?? "bg-slate-100 text-slate-800"}`}>{label}</span>;
}
