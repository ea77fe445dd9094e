import type { FormState } from "@/lib/gate";

/** The six-digit code input shared by enrolment and verification: numeric keypad, one-time-code autofill. */
export function TotpCodeField({ state, hint }: { state?: FormState; hint?: string }) {
  const error = state?.fieldErrors?.code;
  const describedBy = [hint ? "field-code-hint" : null, error ? "field-code-error" : null].filter(Boolean).join(" ") || undefined;
  return (
    <div className="mb-4">
      <label htmlFor="field-code" className="block text-sm font-medium text-slate-800">
        Code from your app
      </label>
      <input
        id="field-code"
        name="code"
        type="text"
        inputMode="numeric"
        autoComplete="one-time-code"
        required
        maxLength={10}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
        className="mt-1 block w-40 rounded-md border border-slate-300 bg-white px-3 py-2 font-mono text-lg tracking-widest shadow-sm focus:border-blue-600"
      />
      {hint ? (
        <p id="field-code-hint" className="mt-1 text-xs text-slate-500">
          {hint}
        </p>
      ) : null}
      {error ? (
        <p id="field-code-error" className="mt-1 text-sm text-red-700" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}
