import type { Metadata } from "next";
import { RecoveryCodesSection } from "./recovery-codes-section";
import { SecurityKeysSection } from "./security-keys-section";
import { TotpSection } from "./totp-section";
import { ChangePasswordForm } from "./change-password-form";
import { UtcTime } from "@/components/admin/utc-time";
import { requirePageSession } from "@/lib/gate";
import { listWebauthnCredentials, recoveryCodesLeft, totpStatus } from "@/lib/mfa";

export const metadata: Metadata = { title: "Security" };

/** The MFA enrolment page: the one page a member whose organization's MFA deadline passed can still reach. */
export default async function SecurityPage({ searchParams }: { searchParams: Promise<{ enrol?: string }> }) {
  const { session: ctx, db } = await requirePageSession({ allowMustEnrol: true });
  const [totp, keys, codesLeft] = await Promise.all([totpStatus(db, ctx.user), listWebauthnCredentials(db, ctx.user.id), recoveryCodesLeft(db, ctx.user.id)]);
  const { enrol } = await searchParams;
  return (
    <section aria-labelledby="security-title" className="max-w-3xl">
      <h1 id="security-title" className="mb-2 text-2xl font-semibold">Security</h1>
      <p className="mb-6 text-sm text-slate-600">
        Two-step verification asks for a second factor after your password: a code from an authenticator app, or a security key or passkey.
      </p>
      {ctx.mfa.mustEnrol || enrol === "required" ? (
        <p role="alert" className="mb-6 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900">
          {ctx.organization.name} requires two-step verification. Set up an authenticator app or a security key to continue using ChargeKeep.
        </p>
      ) : ctx.mfa.required && !ctx.mfa.enrolled && ctx.mfa.enrolBy ? (
        <p role="status" className="mb-6 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900">
          {ctx.organization.name} requires two-step verification. Set it up before <UtcTime date={ctx.mfa.enrolBy} />.
        </p>
      ) : null}
      {enrol === "step-up" && !ctx.mfa.enrolled ? (
        <p role="status" className="mb-6 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900">
          That action needs two-step verification. Set up a second factor below, then try again.
        </p>
      ) : null}
      <TotpSection status={totp} />
      <SecurityKeysSection keys={keys} />
      <RecoveryCodesSection left={codesLeft} enrolled={ctx.mfa.enrolled} />
      <section aria-labelledby="password-title" className="mb-8 rounded-lg border border-slate-200 bg-white p-6">
        <h2 id="password-title" className="mb-3 text-lg font-semibold">
          Password
        </h2>
        <ChangePasswordForm />
      </section>
    </section>
  );
}
