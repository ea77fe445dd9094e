import type { Metadata } from "next";
import { AuthCard } from "@/components/card";
import { VerifyForm } from "./verify-form";

export const metadata: Metadata = { title: "Confirm your e-mail" };

export default async function VerifyEmailPage({ searchParams }: { searchParams: Promise<{ token?: string }> }) {
  const { token } = await searchParams;
  return (
    <AuthCard title="Confirm your e-mail address">
      {token ? <VerifyForm token={token} /> : <p className="text-sm">This link is incomplete. Open the link from your e-mail again.</p>}
    </AuthCard>
  );
}
