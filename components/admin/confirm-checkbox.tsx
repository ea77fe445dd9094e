"use client";

import type { FormState } from "@/lib/gate";

/**
 * The confirmation step of a destructive action: a checkbox whose label says exactly what will
 * happen ("Yes, suspend Alex"). Not `required` on purpose: the server is what refuses without it.
 */
export function ConfirmCheckbox({ id, label, state, name = "confirm" }: { id: string; label: string; state?: FormState; name?: string }) {
  const error = state?.fieldErrors?.[name];
  return (
    <div className="mb-3">
      <div className="flex items-start gap-2">
        <input
          id={id}
          name={name}
          type="checkbox"
          className="mt-1 h-4 w-4"
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${id}-error` : undefined}
        />
        <label htmlFor={id} className="text-sm text-slate-800">
          {label}
        </label>
      </div>
      {error ? (
        <p id={`${id}-error`} role="alert" className="mt-1 text-sm text-red-700">
          {error}
        </p>
      ) : null}
    </div>
  );
}
