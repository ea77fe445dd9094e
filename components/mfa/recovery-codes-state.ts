import type { FormState } from "@/lib/gate";

/** What the actions that create recovery codes return: the codes ride along once, to be shown once. */
export type RecoveryCodesState = FormState & { recoveryCodes?: string[] };
