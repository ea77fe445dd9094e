import type { Metadata } from "next";
import Link from "next/link";
import { KeysetPager } from "@/components/keyset-pager";
import { UtcTime } from "@/components/admin/utc-time";
import { AuditFilterForm, type AuditFilterValues } from "@/components/audit/audit-filter-form";
import { AuditResult } from "@/components/audit/audit-result";
import { AuditTarget } from "@/components/audit/audit-target";
import { Can } from "@/components/can";
import { auditFilterParams, listActorChoices, listAuditEvents, parseAuditFilters, type AuditEventView, type AuditPage } from "@/lib/audit";
import { requirePagePermission } from "@/lib/gate";
import { isAppError } from "@/lib/errors";
import { ExportButtons } from "./export-buttons";
import { DataTable } from "@/components/data-table";
import { ScrollRegion } from "@/components/scroll-region";

export const metadata: Metadata = { title: "Audit log" };

type Search = Record<string, string | string[] | undefined>;
const one = (v: string | string[] | undefined) => ((Array.isArray(v) ? v[0] : v) ?? "").slice(0, 400);

function actorOf(e: AuditEventView) {
  // The organization's directory (lib/scim) acts through a token, not a person: name the token.
  if (!e.actorUserId && e.metadata.actorKind === "scim") {
    return (
      <>
        Directory (SCIM)
        {typeof e.metadata.scimClient === "string" ? <span className="block text-xs text-slate-600">token “{e.metadata.scimClient}”</span> : null}
      </>
    );
  }
  if (!e.actorUserId) return <span className="text-slate-500">System</span>;
  if (!e.actorEmail) return <span className="font-mono text-xs">{e.actorUserId}</span>;
  return (
    <>
      {e.actorName}
      <span className="block text-xs text-slate-600">{e.actorEmail}</span>
    </>
  );
}

export default async function AuditLogPage({ searchParams }: { searchParams: Promise<Search> }) {
  const { session: ctx, db } = await requirePagePermission("audit:read");
  const params = await searchParams;
  const values: AuditFilterValues = {
    actor: one(params.actor),
    action: one(params.action),
    result: one(params.result),
    ip: one(params.ip),
    from: one(params.from),
    to: one(params.to),
  };
  const parsed = parseAuditFilters({ ...values });
  const query = parsed.ok ? auditFilterParams(parsed.filters).toString() : "";

  let page: AuditPage | null = null;
  let pageProblem: string | null = null;
  if (parsed.ok) {
    try {
      page = await listAuditEvents(db, ctx, parsed.filters, one(params.cursor) || null);
    } catch (e) {
      // A page link someone edited: say so instead of failing the whole page.
      if (isAppError(e) && e.status === 400) pageProblem = e.message;
      else throw e;
    }
  }
  const actorChoices = await listActorChoices(db, ctx);
  const pageHref = (cursor: string) => `/admin/audit?${new URLSearchParams([...new URLSearchParams(query).entries(), ["cursor", cursor]]).toString()}`;

  return (
    <section aria-labelledby="audit-title">
      <div className="mb-4 flex flex-wrap items-start justify-between gap-4">
        <div>
          <h1 id="audit-title" className="text-2xl font-semibold">
            Audit log
          </h1>
          <p className="mt-1 max-w-2xl text-sm text-slate-600">
            Everything security-relevant that happened in {ctx.organization.name}, newest first. Events cannot be changed or removed; times are in UTC.
          </p>
        </div>
        <Can permission="audit:export" ctx={ctx}>
          {parsed.ok ? <ExportButtons query={query} /> : null}
        </Can>
      </div>

      <AuditFilterForm values={values} errors={parsed.ok ? {} : parsed.fieldErrors} actorChoices={actorChoices} />

      {pageProblem ? (
        <p role="alert" className="mb-4 rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
          {pageProblem}{" "}
          <Link href={query ? `/admin/audit?${query}` : "/admin/audit"} className="font-semibold underline">
            Newest events
          </Link>
        </p>
      ) : null}

      {page ? (
        <>
          <ScrollRegion label="Audit events, newest first">
            <DataTable
              caption="Audit events, newest first"
              rows={page.events}
              rowKey={(e) => e.id}
              rowTestId="audit-row"
              columns={[
                {
                  header: "Time",
                  className: "whitespace-nowrap",
                  cell: (e) => (
                    <Link href={`/admin/audit/${e.id}`} className="text-blue-700 underline" aria-label={`Details of “${e.description}”`}>
                      <UtcTime date={e.createdAt} />
                    </Link>
                  ),
                },
                { header: "Who", cell: (e) => actorOf(e) },
                {
                  header: "What",
                  rowHeader: true,
                  cell: (e) => (
                    <>
                      {e.description}
                      {typeof e.metadata.reason === "string" ? <span className="block text-xs text-slate-700">Why: {e.metadata.reason}</span> : null}
                      <code className="block font-mono text-xs text-slate-600">{e.action}</code>
                    </>
                  ),
                },
                { header: "Target", cell: (e) => <AuditTarget event={e} /> },
                { header: "Result", cell: (e) => <AuditResult result={e.result} /> },
                { header: "IP address", className: "font-mono text-xs", cell: (e) => e.ip ?? "—" },
              ]}
            />
          </ScrollRegion>
          {page.events.length === 0 ? <p className="mt-4 text-sm text-slate-600">No events match these filters.</p> : null}
          <KeysetPager label="Audit log pages" noun="events" newerHref={page.newer ? pageHref(page.newer) : null} olderHref={page.older ? pageHref(page.older) : null} />
        </>
      ) : null}
    </section>
  );
}
