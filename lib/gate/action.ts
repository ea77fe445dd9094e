import "server-only";
import { unstable_rethrow } from "next/navigation";
import type { z } from "zod";
import { requireMfaPendingSession, requireSession, type SessionContext } from "@/lib/auth";
import { getDb, type Database } from "@/db";
import { DATABASE_UNAVAILABLE_MESSAGE, isDatabaseUnavailable } from "@/db/errors";
import { isAppError } from "@/lib/errors";
import { authorize, type Permission } from "@/lib/rbac";
import { currentRequestMeta, fieldErrorsOf, loggableError, type RequestMeta } from "@/lib/http";
import { formInputFault } from "./form-input";
import { logDatabaseUnavailable } from "./unavailable";
import { recordSystemSignal } from "@/lib/alerts";

/** What every form's server action returns to useActionState. */
export type FormState = {
  ok?: boolean;
  message?: string;
  fieldErrors?: Record<string, string>;
  values?: Record<string, string>;
  /** The action wants a fresh second factor ("step_up") or an enrolled one ("enrol") first. */
  mfa?: "step_up" | "enrol";
};

/** true: a full session. "mfa_pending": only a password-proven session at its second factor. false: public. */
type AuthMode = boolean | "mfa_pending";

/** `db`: app/ reaches the database only through what the gate hands over (docs/ARCHITECTURE.md). */
type Ctx<Auth extends AuthMode> = { session: Auth extends false ? null : SessionContext; meta: RequestMeta; db: Database };

/** What a signed-in action handler receives, for helpers it hands the whole context to. */
export type ActionContext = Ctx<true>;

const SECRET_FIELDS = /password|token|code|secret/i;

function echoValues(form: FormData): Record<string, string> {
  // Re-fill the form after an error, never with secrets.
  const out: Record<string, string> = {};
  for (const [k, v] of form.entries()) if (typeof v === "string" && !SECRET_FIELDS.test(k) && !k.startsWith("$")) out[k] = v.slice(0, 500);
  return out;
}

/**
 * The one wrapper for server actions. Fixed order: session -> parse -> handler; expected errors
 * come back as form state next to their fields, redirects pass through, the rest is a generic
 * message (logged with the request id).
 */
export function formAction<Auth extends AuthMode, S extends z.ZodType>(
  options: {
    auth: Auth;
    schema: S;
    permission?: Auth extends true ? Permission : never;
    /** Only the MFA enrolment actions and org switch: reachable when the organization's MFA deadline has passed. */
    allowMustEnrol?: Auth extends true ? boolean : never;
  },
  handler: (input: z.infer<S>, ctx: Ctx<Auth>) => Promise<FormState | void>,
) {
  const action = async (_prev: FormState | undefined, form: FormData): Promise<FormState> => {
    // Before anything else: a crafted call may bring no form at all, or text no field may hold.
    const inputFault = formInputFault(form);
    if (inputFault) return inputFault;
    const meta = await currentRequestMeta();
    try {
      const session =
        options.auth === "mfa_pending"
          ? await requireMfaPendingSession()
          : options.auth
            ? await requireSession({ allowMustEnrol: options.allowMustEnrol })
            : null;
      if (session && options.permission) authorize(session, options.permission);
      const raw = Object.fromEntries([...form.entries()].filter(([k]) => !k.startsWith("$")));
      const parsed = options.schema.safeParse(raw);
      if (!parsed.success) {
        return { ok: false, message: "Some fields need attention.", fieldErrors: fieldErrorsOf(parsed.error), values: echoValues(form) };
      }
      return (await handler(parsed.data, { session, meta, get db() { return getDb(); } } as Ctx<Auth>)) ?? { ok: true };
    } catch (e) {
      unstable_rethrow(e); // redirect() and notFound() are control flow, not errors
      // The database is away (db/errors.ts): say so and keep the form, so the person can send it again.
      if (isDatabaseUnavailable(e)) {
        logDatabaseUnavailable(meta.requestId, e);
        return { ok: false, message: DATABASE_UNAVAILABLE_MESSAGE, values: echoValues(form) };
      }
      if (isAppError(e)) {
        if (e.status === 429) recordSystemSignal("http_429");
        const mfa = e.code === "step_up_required" ? "step_up" : e.code === "mfa_enrolment_required" ? "enrol" : undefined;
        return { ok: false, message: e.message, fieldErrors: e.fieldErrors, values: echoValues(form), ...(mfa ? { mfa } : {}) };
      }
      console.error(`[${meta.requestId}] unexpected error in server action`, loggableError(e));
      recordSystemSignal("http_5xx");
      return { ok: false, message: `Something went wrong on our side. Try again later (reference ${meta.requestId}).` };
    }
  };
  // Read by the authorization matrix test; server actions stay plain async functions to Next.
  return Object.assign(action, {
    access: { auth: options.auth, permission: options.permission ?? null, allowMustEnrol: Boolean(options.allowMustEnrol) },
  });
}
