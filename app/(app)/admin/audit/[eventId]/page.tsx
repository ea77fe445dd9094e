import type { Metadata } from "next";
import Link from "next/link";
import { describeDevice } from "@/lib/auth";
import { loadForPage, requireUuidParam, requirePagePermission } from "@/lib/gate";
import { UtcTime } from "@/components/admin/utc-time";
import { AuditResult } from "@/components/audit/audit-result";
import { AuditTarget } from "@/components/audit/audit-target";
import { getAuditEvent } from "@/lib/audit";

export const metadata: Metadata = { title: "Audit event" };

function Row({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <>
      <dt className="text-slate-600">{label}</dt>
      <dd className="break-all">{children}</dd>
    </>
  );
}

const none = <span className="text-slate-500">—</span>;

export default async function AuditEventPage({ params }: { params: Promise<{ eventId: string }> }) {
  const { session: ctx, db } = await requirePagePermission("audit:read");
  const eventId = requireUuidParam((await params).eventId);
  // Another organization's event reads as not found, like an id that never existed.
  const e = await loadForPage(() => getAuditEvent(db, ctx, eventId));

  return (
    <section aria-labelledby="event-title">
      <p className="mb-2 text-sm">
        <Link href="/admin/audit" className="text-blue-700 underline">
          Audit log
        </Link>
      </p>
      <h1 id="event-title" className="text-2xl font-semibold">
        {e.description}
      </h1>
      <dl className="mt-4 grid max-w-3xl grid-cols-[10rem_1fr] gap-x-4 gap-y-2 text-sm" data-testid="audit-event">
        <Row label="Time">
          <UtcTime date={e.createdAt} /> <span className="font-mono text-xs text-slate-600">({e.createdAt.toISOString()})</span>
        </Row>
        <Row label="Action">
          <code className="font-mono">{e.action}</code>
          {e.severity ? <span className="ml-2 text-xs text-slate-600">severity: {e.severity}</span> : null}
        </Row>
        <Row label="Result">
          <AuditResult result={e.result} />
        </Row>
        <Row label="Who">
          {e.actorUserId ? (
            <>
              {e.actorName ?? "Unknown user"} {e.actorEmail ? `(${e.actorEmail})` : null}
              <span className="block font-mono text-xs text-slate-600">{e.actorUserId}</span>
            </>
          ) : (
            "System"
          )}
        </Row>
        <Row label="Target">
          <AuditTarget event={e} />
          {e.targetLabel ? <span className="block font-mono text-xs text-slate-600">{e.targetId}</span> : null}
        </Row>
        <Row label="IP address">{e.ip ? <span className="font-mono">{e.ip}</span> : none}</Row>
        <Row label="Device">
          {e.userAgent ? (
            <>
              {describeDevice(e.userAgent)}
              <span className="block text-xs text-slate-600">{e.userAgent}</span>
            </>
          ) : (
            none
          )}
        </Row>
        <Row label="Request id">{e.requestId ? <span className="font-mono text-xs">{e.requestId}</span> : none}</Row>
        <Row label="Event id">
          <span className="font-mono text-xs">{e.id}</span>
        </Row>
        <Row label="Position in chain">{e.seq}</Row>
        <Row label="Details">
          {Object.keys(e.metadata).length ? (
            <pre className="overflow-x-auto rounded bg-slate-100 p-2 font-mono text-xs whitespace-pre-wrap">{JSON.stringify(e.metadata, null, 2)}</pre>
          ) : (
            none
          )}
        </Row>
        <Row label="Previous chain value">
          <code className="font-mono text-xs">{e.prevHash}</code>
        </Row>
        <Row label="Chain value (MAC)">
          <code className="font-mono text-xs">{e.hash}</code>
        </Row>
      </dl>
      <p className="mt-4 max-w-3xl text-xs text-slate-600">
        Each event&apos;s chain value is a keyed MAC over its contents and the previous event&apos;s value, under an audit key that never
        sits in the database, and every chain&apos;s head is signed and copied outside the database each minute it moves: changing,
        removing or rolling back events is detected by <code>npm run audit:verify</code>, even by someone who can write the database.
      </p>
    </section>
  );
}
