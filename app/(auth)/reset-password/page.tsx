import type { Metadata } from "next";
import { AuthCard } from "@/components/card";
import { ResetForm } from "./reset-form";

export const metadata: Metadata = { title: "Choose a new password" };

export default async function ResetPasswordPage({ searchParams }: { searchParams: Promise<{ token?: string }> }) {
  const { token } = await searchParams;
  return (
    <AuthCard title="Choose a new password">
      {token ? <ResetForm token={token} /> : <p className="text-sm">This link is incomplete. Open the link from your e-mail again.</p>}
    </AuthCard>
  );
}
