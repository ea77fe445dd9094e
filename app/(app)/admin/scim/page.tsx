import type { Metadata } from "next";
import { inTreeOrder } from "@/components/admin/role-order";
import { UtcTime } from "@/components/admin/utc-time";
import { requirePagePermission } from "@/lib/gate";
import { listRoles } from "@/lib/rbac";
import { listDirectoryGroups, listScimTokens, scimBase } from "@/lib/scim";
import { CreateScimTokenForm, MapGroupForm, RevokeScimTokenForm } from "./scim-forms";

export const metadata: Metadata = { title: "SCIM provisioning" };

/** The organization's directory connection: tokens (security:manage, fresh second factor) and what each directory group is worth. */
export default async function ScimPage() {
  const { session: ctx, db } = await requirePagePermission("security:manage");
  const [tokens, directoryGroups, roles] = await Promise.all([listScimTokens(db, ctx), listDirectoryGroups(db, ctx), listRoles(db, ctx)]);
  // The Owner role never comes from the directory (lib/scim/mappings.ts refuses it too).
  const mappable = inTreeOrder(roles).filter((r) => r.key !== "owner");
  const roleName = new Map(roles.map((r) => [r.id, r.name]));
  return (
    <section aria-labelledby="scim-title">
      <h1 id="scim-title" className="mb-1 text-2xl font-semibold">
        SCIM provisioning
      </h1>
      <p className="mb-4 max-w-3xl text-sm text-slate-600">
        Your identity provider (Entra ID, Okta, Google Workspace…) creates, updates and deactivates members and their groups here. A member the directory deactivates or
        deletes is suspended at once: their sessions end and their SFTP keys stop working. Directory groups give roles only through the mappings below.
      </p>
      <dl className="mb-8 rounded-md border border-slate-200 bg-white p-4 text-sm">
        <dt className="font-medium">SCIM endpoint (tenant URL)</dt>
        <dd className="mb-2 font-mono" data-testid="scim-endpoint">
          {scimBase()}
        </dd>
        <dt className="font-medium">Authentication</dt>
        <dd>Bearer token (create one below)</dd>
      </dl>

      <section aria-labelledby="scim-tokens-title" className="mb-10">
        <h2 id="scim-tokens-title" className="mb-3 text-lg font-semibold">
          Tokens
        </h2>
        {tokens.length === 0 ? <p className="mb-4 text-sm text-slate-600">No tokens yet.</p> : null}
        <ul className="mb-6 divide-y rounded-md border border-slate-200 bg-white empty:hidden">
          {tokens.map((t) => (
            <li key={t.id} className="p-4 text-sm" data-testid="scim-token-row">
              <p className="font-semibold">
                {t.name} <span className="font-mono font-normal text-slate-600">…{t.hint}</span>
                {t.revokedAt ? <span className="ml-2 rounded bg-red-50 px-1.5 py-0.5 text-xs text-red-800">Revoked</span> : null}
              </p>
              <p className="text-slate-600">
                Created <UtcTime date={t.createdAt} />
                {t.createdByName ? ` by ${t.createdByName}` : ""} · {t.lastUsedAt ? <>last used <UtcTime date={t.lastUsedAt} />{t.lastUsedIp ? ` from ${t.lastUsedIp}` : ""}</> : "never used"}
                {t.revokedAt ? <> · revoked <UtcTime date={t.revokedAt} /></> : null}
              </p>
              {t.revokedAt ? null : <RevokeScimTokenForm tokenId={t.id} name={t.name} />}
            </li>
          ))}
        </ul>
        <CreateScimTokenForm />
      </section>

      <section aria-labelledby="scim-groups-title">
        <h2 id="scim-groups-title" className="mb-1 text-lg font-semibold">
          Directory groups and roles
        </h2>
        <p className="mb-4 max-w-3xl text-sm text-slate-600">
          Members of a directory group hold the role you choose here, in addition to their own (Viewer for people the directory created). The directory decides who is in a group,
          never what the group may do; the Owner role cannot be mapped.
        </p>
        {directoryGroups.length === 0 ? <p className="text-sm text-slate-600">Your directory has not pushed any groups yet.</p> : null}
        <ul className="space-y-3">
          {directoryGroups.map((g) => (
            <li key={g.id} className="rounded-md border border-slate-200 bg-white p-4 text-sm" data-testid="directory-group-row">
              <p className="mb-2">
                <span className="font-semibold">{g.name}</span> · {g.memberCount} member{g.memberCount === 1 ? "" : "s"} · now gives{" "}
                {g.roleIds.length ? g.roleIds.map((id) => roleName.get(id) ?? "?").join(", ") : "no role"}
              </p>
              <MapGroupForm groupId={g.id} groupName={g.name} roleId={g.roleIds[0] ?? null} roles={mappable.map((r) => ({ id: r.id, name: r.name }))} />
            </li>
          ))}
        </ul>
      </section>
    </section>
  );
}
