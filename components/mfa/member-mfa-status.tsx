import { UtcTime } from "@/components/admin/utc-time";
import { describeFactors, type MemberMfaStatus } from "@/lib/mfa";

/** A member's second factors as the admin pages show them, with the policy's deadline when one applies. */
export function MemberMfaStatusText({ status }: { status: MemberMfaStatus | undefined }) {
  if (!status) return <span className="text-slate-500">unknown</span>;
  if (status.enrolled) return <>{describeFactors(status)}</>;
  return (
    <span className="text-amber-800">
      None
      {status.overdue ? (
        <> (required, overdue)</>
      ) : status.enrolBy ? (
        <>
          {" "}
          (required by <UtcTime date={status.enrolBy} />)
        </>
      ) : null}
    </span>
  );
}
