"use client";

import { useActionState, useEffect, useRef } from "react";
import { refreshSessionAction } from "./actions";

/** Submits itself once; then a full page load continues where the user was going. */
export function RefreshForm({ next }: { next: string }) {
  const [state, action, pending] = useActionState(refreshSessionAction, undefined);
  const form = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (!state) form.current?.requestSubmit();
    else if (state.ok) window.location.replace(next);
  }, [state, next]);
  return (
    <form ref={form} action={action}>
      {state && !state.ok ? (
        <p role="alert" className="mb-4 text-sm text-red-800">
          {state.message} <a className="underline" href="/sign-in">Sign in again</a>
        </p>
      ) : null}
      <button type="submit" disabled={pending} className="rounded-md bg-blue-700 px-4 py-2 text-sm font-semibold text-white">
        Continue
      </button>
    </form>
  );
}
