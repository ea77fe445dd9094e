import type { Metadata } from "next";
import { requirePagePermission } from "@/lib/auth";

export const metadata: Metadata = { title: "Dashboard" };

export default async function DashboardPage() {
  const ctx = await requirePagePermission("dashboard:read");
  return (
    <section aria-labelledby="dash-title">
      <h1 id="dash-title" className="text-2xl font-semibold">
        {ctx.organization.name}
      </h1>
      <p className="mt-1 text-sm text-slate-600">Signed in as {ctx.user.email} ({ctx.organization.roleName}).</p>
      <div className="mt-8 rounded-lg border border-dashed border-slate-300 bg-white p-10 text-center">
        <h2 className="text-lg font-medium">No bank accounts connected yet</h2>
        <p className="mt-2 text-sm text-slate-600">
          Balances, cash flow and transactions appear here once a bank is connected to this organization.
        </p>
      </div>
    </section>
  );
}
