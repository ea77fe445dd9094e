"use client";

import { useFormStatus } from "react-dom";
import type { FormState } from "@/lib/gate";

export function Field(props: {
  name: string;
  label: string;
  type?: string;
  autoComplete?: string;
  required?: boolean;
  defaultValue?: string;
  hint?: string;
  state?: FormState;
  maxLength?: number;
  multiline?: boolean;
}) {
  const error = props.state?.fieldErrors?.[props.name];
  const id = `field-${props.name}`;
  const describedBy = [props.hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(" ") || undefined;
  const common = {
    id,
    name: props.name,
    required: props.required,
    maxLength: props.maxLength,
    defaultValue: props.state?.values?.[props.name] ?? props.defaultValue,
    "aria-invalid": error ? true : undefined,
    "aria-describedby": describedBy,
    className: "mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm focus:border-blue-600",
  };
  return (
    <div className="mb-4">
      <label htmlFor={id} className="block text-sm font-medium text-slate-800">
        {props.label}
      </label>
      {props.multiline ? (
        <textarea {...common} rows={6} />
      ) : (
        <input {...common} type={props.type ?? "text"} autoComplete={props.autoComplete} />
      )}
      {props.hint ? (
        <p id={`${id}-hint`} className="mt-1 text-xs text-slate-500">
          {props.hint}
        </p>
      ) : null}
      {error ? (
        <p id={`${id}-error`} className="mt-1 text-sm text-red-700" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}

export function SubmitButton({ children, variant = "primary" }: { children: React.ReactNode; variant?: "primary" | "danger" | "secondary" }) {
  const { pending } = useFormStatus();
  const styles = {
    primary: "bg-blue-700 text-white hover:bg-blue-800",
    danger: "bg-red-700 text-white hover:bg-red-800",
    secondary: "bg-white text-slate-800 border border-slate-300 hover:bg-slate-100",
  }[variant];
  return (
    <button type="submit" disabled={pending} aria-disabled={pending} className={`rounded-md px-4 py-2 text-sm font-semibold disabled:opacity-60 ${styles}`}>
      {pending ? "Working…" : children}
    </button>
  );
}

export function FormMessage({ state }: { state?: FormState }) {
  if (!state?.message) return null;
  return (
    // Field errors announce themselves; the summary only alerts when no field does.
    <p role={state.ok || state.fieldErrors ? "status" : "alert"} className={`mb-4 rounded-md px-3 py-2 text-sm ${state.ok ? "bg-green-50 text-green-800" : "bg-red-50 text-red-800"}`}>
      {state.message}
      {state.mfa === "step_up" ? <StepUpLink /> : null}
      {state.mfa === "enrol" ? (
        <>
          {" "}
          <a className="font-semibold underline" href="/settings/security">
            Set up two-step verification
          </a>
        </>
      ) : null}
    </p>
  );
}

/** Sends the user to verify, then back to the page they were on to submit again. */
function StepUpLink() {
  const here = typeof window === "undefined" ? "/dashboard" : window.location.pathname + window.location.search;
  return (
    <>
      {" "}
      <a className="font-semibold underline" href={`/mfa/step-up?next=${encodeURIComponent(here)}`}>
        Verify now
      </a>
    </>
  );
}
