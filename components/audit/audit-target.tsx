/** What an event acted on: a user shows as their e-mail, anything else as its type and id. */
export function AuditTarget({ event: e }: { event: { targetType: string | null; targetId: string | null; targetLabel: string | null } }) {
  if (!e.targetType && !e.targetId) return <span className="text-slate-500">—</span>;
  return (
    <>
      {e.targetType ?? "item"} <span className="break-all">{e.targetLabel ?? e.targetId}</span>
    </>
  );
}
