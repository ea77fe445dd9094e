import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { AuthCard } from "@/components/card";
import { RecoveryCodeForm } from "../recovery-code-form";
import { TotpVerifyForm } from "../totp-verify-form";
import { WebauthnVerifyButton } from "@/components/mfa/webauthn-verify";
import { publicPage } from "@/lib/gate";
import { getMfaPendingSession, getSession } from "@/lib/auth";
import { safeNextPath } from "@/lib/http";
import { factorSummary } from "@/lib/mfa";

export const metadata: Metadata = { title: "Two-step verification" };

/**
 * The only page an MFA-pending browser reaches (besides sign-out): the proxy lets the pending
 * cookie through to /mfa/*, and this page accepts nothing but an MFA-pending session.
 */
export default async function MfaVerifyPage({ searchParams }: { searchParams: Promise<{ next?: string }> }) {
  const next = safeNextPath((await searchParams).next);
  const pending = await getMfaPendingSession();
  if (!pending) redirect((await getSession()) ? next : "/sign-in?expired=1");
  const { db } = publicPage();
  const factors = await factorSummary(db, pending.user.id);
  return (
    <AuthCard title="Two-step verification">
      <p className="mb-6 text-sm text-slate-700">Your password was correct. Now confirm it is you with your second factor.</p>
      {factors.webauthn ? <WebauthnVerifyButton purpose="sign_in" next={next} /> : null}
      {factors.totp ? <TotpVerifyForm purpose="sign_in" next={next} /> : null}
      <details className="mt-6 text-sm">
        <summary className="cursor-pointer text-blue-700 underline">Lost your device? Use a recovery code</summary>
        <RecoveryCodeForm purpose="sign_in" next={next} />
      </details>
      <p className="mt-6 text-sm">
        <a className="text-slate-600 underline" href="/sign-in">
          Cancel and sign in again
        </a>
      </p>
    </AuthCard>
  );
}
