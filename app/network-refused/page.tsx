import type { Metadata } from "next";
import { AuthCard } from "@/components/card";
import { isRefusalReason, NETWORK_REFUSED_MESSAGES } from "@/lib/firewall";

export const metadata: Metadata = { title: "Not available from this network" };

/**
 * Where the gate sends a page request refused by the organization's network rules. Public and
 * static: it says why in general terms (the reason is only a word in the URL), never which rule.
 */
export default async function NetworkRefusedPage({ searchParams }: { searchParams: Promise<{ reason?: string }> }) {
  const { reason } = await searchParams;
  const message = isRefusalReason(reason) ? NETWORK_REFUSED_MESSAGES[reason] : NETWORK_REFUSED_MESSAGES.org_allowlist;
  return (
    <AuthCard title="Not available from this network">
      <p className="text-sm text-slate-700">{message}</p>
    </AuthCard>
  );
}
