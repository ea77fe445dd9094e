import { RECOVERY_CODE_COUNT } from "@/lib/mfa";
import { RecoveryCodesPanel } from "./recovery-codes-panel";

/** Recovery codes on the security page: how many are left, and regeneration. */
/** `left`: codes not yet used; `enrolled`: the member has a second factor. The page loads both. */
export function RecoveryCodesSection({ left, enrolled }: { left: number; enrolled: boolean }) {
  return (
    <section aria-labelledby="recovery-title" className="mb-8 rounded-lg border border-slate-200 bg-white p-6">
      <h2 id="recovery-title" className="mb-3 text-lg font-semibold">
        Recovery codes
      </h2>
      <RecoveryCodesPanel left={left} total={RECOVERY_CODE_COUNT} enrolled={enrolled} />
    </section>
  );
}
