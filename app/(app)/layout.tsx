import { getDb } from "@/db";
import { requirePageSession } from "@/lib/auth";
import { listMyOrganizations } from "@/lib/orgs";
import { AppHeader } from "./app-header";

export default async function AppLayout({ children }: { children: React.ReactNode }) {
  const ctx = await requirePageSession();
  const orgs = await listMyOrganizations(getDb(), ctx.user.id);
  return (
    <>
      <AppHeader userName={ctx.user.name} activeOrgId={ctx.organization.id} orgs={orgs} isOperator={ctx.user.isOperator} showAdmin={ctx.permissions.has("members:read")} />
      <main className="mx-auto max-w-6xl px-6 py-8">{children}</main>
    </>
  );
}
