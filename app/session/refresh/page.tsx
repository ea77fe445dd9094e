import type { Metadata } from "next";
import { AuthCard } from "@/components/card";
import { safeNextPath } from "@/lib/http";
import { RefreshForm } from "./refresh-form";

export const metadata: Metadata = { title: "Updating your session" };

/**
 * Pages cannot set cookies. When a member's privileges changed elsewhere, their next page request
 * lands here (requirePageSession): a server action gives the session its new id, then we go on.
 */
export default async function SessionRefreshPage({ searchParams }: { searchParams: Promise<{ next?: string }> }) {
  const { next } = await searchParams;
  return (
    <AuthCard title="Your access was updated">
      <p className="mb-4 text-sm text-slate-700">One moment while we refresh your session…</p>
      <RefreshForm next={safeNextPath(next)} />
    </AuthCard>
  );
}
