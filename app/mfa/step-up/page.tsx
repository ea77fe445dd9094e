import type { Metadata } from "next";
import Link from "next/link";
import { AuthCard } from "@/components/card";
import { RecoveryCodeForm } from "../recovery-code-form";
import { TotpVerifyForm } from "../totp-verify-form";
import { WebauthnVerifyButton } from "@/components/mfa/webauthn-verify";
import { requirePageSession } from "@/lib/gate";
import { env } from "@/lib/env";
import { safeNextPath } from "@/lib/http";
import { factorSummary } from "@/lib/mfa";

export const metadata: Metadata = { title: "Confirm it is you" };

/** Sensitive actions send the user here when their last second factor is older than the step-up window. */
export default async function StepUpPage({ searchParams }: { searchParams: Promise<{ next?: string }> }) {
  const next = safeNextPath((await searchParams).next);
  const { session: ctx, db } = await requirePageSession();
  if (!ctx.mfa.enrolled) {
    return (
      <AuthCard title="Set up two-step verification first">
        <p className="mb-6 text-sm text-slate-700">This action needs a second factor, and your account does not have one yet.</p>
        <Link className="font-semibold text-blue-700 underline" href="/settings/security?enrol=step-up">
          Set up two-step verification
        </Link>
      </AuthCard>
    );
  }
  const factors = await factorSummary(db, ctx.user.id);
  return (
    <AuthCard title="Confirm it is you">
      <p className="mb-6 text-sm text-slate-700">
        This action is sensitive. Verify with your second factor; it stays valid for {env().MFA_STEP_UP_MINUTES} minutes.
      </p>
      {factors.webauthn ? <WebauthnVerifyButton purpose="step_up" next={next} /> : null}
      {factors.totp ? <TotpVerifyForm purpose="step_up" next={next} /> : null}
      <details className="mt-6 text-sm">
        <summary className="cursor-pointer text-blue-700 underline">Lost your device? Use a recovery code</summary>
        <RecoveryCodeForm purpose="step_up" next={next} />
      </details>
      <p className="mt-6 text-sm">
        <Link className="text-slate-600 underline" href={next}>
          Go back
        </Link>
      </p>
    </AuthCard>
  );
}
