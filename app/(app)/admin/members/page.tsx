import type { Metadata } from "next";
import Link from "next/link";
import { parseSearchParams } from "@/lib/http";
import { loadForPage, requirePagePermission } from "@/lib/gate";
import { StatusNote } from "@/components/admin/status-note";
import { UtcTime } from "@/components/admin/utc-time";
import { DataTable } from "@/components/data-table";
import { Can } from "@/components/can";
import { MemberMfaStatusText } from "@/components/mfa/member-mfa-status";
import { memberMfaStatus } from "@/lib/mfa";
import { listMembers, memberSearchSchema } from "@/lib/rbac";
import { ScrollRegion } from "@/components/scroll-region";

export const metadata: Metadata = { title: "Members" };

type Search = Record<string, string | string[] | undefined>;
const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) ?? "";

function pageHref(q: string, page: number) {
  const params = new URLSearchParams();
  if (q) params.set("q", q);
  if (page > 1) params.set("page", String(page));
  const s = params.toString();
  return s ? `/admin/members?${s}` : "/admin/members";
}

export default async function MembersPage({ searchParams }: { searchParams: Promise<Search> }) {
  const { session: ctx, db } = await requirePagePermission("members:read");
  const params = await searchParams;
  const search = parseSearchParams(memberSearchSchema, params);
  // An unusable search (too long, or text no one can type) lists everyone and says why next to the box.
  const { q, page: requested } = search.ok ? search.data : { q: "", page: 1 };
  const searchError = search.ok ? null : (search.fieldErrors.q ?? null);
  const { members, page, pageSize, total } = await loadForPage(() => listMembers(db, ctx, { search: q, page: requested }));
  const pages = Math.max(1, Math.ceil(total / pageSize));
  // Only this page's members; the same query the MFA policy page uses.
  const mfa = new Map((await memberMfaStatus(db, ctx.organization.id, { userIds: members.map((m) => m.userId) })).map((s) => [s.userId, s]));

  return (
    <section aria-labelledby="members-title">
      <div className="mb-4 flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 id="members-title" className="text-2xl font-semibold">
            Members of {ctx.organization.name}
          </h1>
          <p className="mt-1 text-sm text-slate-600">
            {total === 1 ? "1 member" : `${total} members`}
            {q ? ` matching “${q}”` : ""}.
          </p>
        </div>
        <Can permission="members:invite" ctx={ctx}>
          <Link href="/admin/invitations" className="rounded-md bg-blue-700 px-4 py-2 text-sm font-semibold text-white hover:bg-blue-800">
            Invite someone
          </Link>
        </Can>
      </div>
      {one(params.removed) ? <StatusNote>The member was removed from the organization.</StatusNote> : null}

      <form method="get" action="/admin/members" role="search" className="mb-4 flex flex-wrap items-end gap-2">
        <div>
          <label htmlFor="member-search" className="block text-sm font-medium text-slate-800">
            Search by name or e-mail
          </label>
          <input
            id="member-search"
            name="q"
            type="search"
            defaultValue={q}
            maxLength={100}
            aria-invalid={searchError ? true : undefined}
            aria-describedby={searchError ? "member-search-error" : undefined}
            className="mt-1 block w-72 max-w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm focus:border-blue-600"
          />
        </div>
        <button type="submit" className="rounded-md border border-slate-300 bg-white px-4 py-2 text-sm font-semibold text-slate-800 hover:bg-slate-100">
          Search
        </button>
        {searchError ? (
          <p id="member-search-error" role="alert" className="py-2 text-sm text-red-800">
            {searchError}
          </p>
        ) : null}
        {q ? (
          <Link href="/admin/members" className="px-2 py-2 text-sm text-blue-700 underline">
            Clear search
          </Link>
        ) : null}
      </form>

      <ScrollRegion label={`Members, page ${page} of ${pages}`}>
        <DataTable
          caption={`Members, page ${page} of ${pages}`}
          rows={members}
          rowKey={(m) => m.userId}
          rowTestId="member-row"
          columns={[
            {
              header: "Name",
              rowHeader: true,
              cell: (m) => (
                <>
                  <Link href={`/admin/members/${m.userId}`} className="text-blue-700 underline">
                    {m.name}
                  </Link>
                  {m.userId === ctx.user.id ? <span className="ml-1 text-xs text-slate-500">(you)</span> : null}
                </>
              ),
            },
            { header: "E-mail", cell: (m) => m.email },
            { header: "Role", cell: (m) => m.roleName },
            { header: "Groups", cell: (m) => (m.groups.length ? m.groups.join(", ") : <span className="text-slate-500">none</span>) },
            { header: "Two-step verification", testId: "member-mfa", cell: (m) => <MemberMfaStatusText status={mfa.get(m.userId)} /> },
            { header: "Last sign-in", cell: (m) => <UtcTime date={m.lastSignInAt} /> },
            { header: "Status", cell: (m) => (m.status === "active" ? "Active" : <strong className="rounded bg-red-50 px-1 text-red-800">Suspended</strong>) },
          ]}
        />
      </ScrollRegion>
      {members.length === 0 ? <p className="mt-4 text-sm text-slate-600">{q ? "Nobody matches that search." : "No members on this page."}</p> : null}

      {pages > 1 ? (
        <nav aria-label="Member list pages" className="mt-4 flex items-center gap-4 text-sm">
          {page > 1 ? (
            <Link href={pageHref(q, page - 1)} className="text-blue-700 underline" rel="prev">
              Previous page
            </Link>
          ) : null}
          <span>
            Page {page} of {pages}
          </span>
          {page < pages ? (
            <Link href={pageHref(q, page + 1)} className="text-blue-700 underline" rel="next">
              Next page
            </Link>
          ) : null}
        </nav>
      ) : null}
    </section>
  );
}
