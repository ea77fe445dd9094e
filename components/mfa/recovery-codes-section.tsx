import { getDb } from "@/db";
import type { SessionContext } from "@/lib/auth";
import { RECOVERY_CODE_COUNT, recoveryCodesLeft } from "@/lib/mfa";
import { RecoveryCodesPanel } from "./recovery-codes-panel";

/** Recovery codes on the security page: how many are left, and regeneration. */
export async function RecoveryCodesSection({ ctx }: { ctx: SessionContext }) {
  const left = await recoveryCodesLeft(getDb(), ctx.user.id);
  return (
    <section aria-labelledby="recovery-title" className="mb-8 rounded-lg border border-slate-200 bg-white p-6">
      <h2 id="recovery-title" className="mb-3 text-lg font-semibold">
        Recovery codes
      </h2>
      <RecoveryCodesPanel left={left} total={RECOVERY_CODE_COUNT} enrolled={ctx.mfa.enrolled} />
    </section>
  );
}
