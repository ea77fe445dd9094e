"use client";

import { useActionState, useRef } from "react";
import { Field, FormMessage } from "@/components/form";
import { revokeOtherSessionsAction, revokeSessionAction } from "./actions";
import { ScrollRegion } from "@/components/scroll-region";

export type SessionRow = { id: string; device: string; ip: string | null; lastSeen: string; created: string; current: boolean };

const BUTTON = "rounded-md px-4 py-2 text-sm font-semibold disabled:opacity-60";

/**
 * One form, so one password field serves every button (each button posts its own action and
 * session id). needsPassword: the user has no second factor, so ending a session asks for the
 * password; with a factor the action asks for a fresh one instead ("Verify now").
 */
export function SessionList({ sessions, needsPassword }: { sessions: SessionRow[]; needsPassword: boolean }) {
  const [revokeState, revoke, revoking] = useActionState(revokeSessionAction, undefined);
  const [othersState, revokeOthers, revokingOthers] = useActionState(revokeOtherSessionsAction, undefined);
  const state = revokeState ?? othersState;
  const pending = revoking || revokingOthers;
  // The row's button names its session here just before the form is sent (a submit button's own
  // name/value does not reach a function action's form data).
  const target = useRef<HTMLInputElement>(null);
  return (
    // method="post": a submit before hydration must never put the password in a URL.
    <form aria-label="End sessions" method="post" noValidate>
      <FormMessage state={state} />
      <input ref={target} type="hidden" name="sessionId" defaultValue="" />
      {needsPassword && sessions.length > 1 ? (
        <div className="max-w-sm">
          <Field name="password" label="Your password" type="password" autoComplete="current-password" hint="Signing out another session asks for your password first." state={state} />
        </div>
      ) : null}
      <ScrollRegion label="Your signed-in sessions">
      <table className="w-full border-collapse bg-white text-sm">
        <caption className="sr-only">Your signed-in sessions</caption>
        <thead>
          <tr className="border-b text-left">
            <th scope="col" className="p-2">Device</th>
            <th scope="col" className="p-2">IP address</th>
            <th scope="col" className="p-2">Last seen</th>
            <th scope="col" className="p-2">Signed in</th>
            <th scope="col" className="p-2"><span className="sr-only">Actions</span></th>
          </tr>
        </thead>
        <tbody>
          {sessions.map((s) => (
            <tr key={s.id} className="border-b" data-testid="session-row">
              <td className="p-2">
                {s.device} {s.current ? <strong className="ml-1 rounded bg-green-100 px-1 text-green-800">this browser</strong> : null}
              </td>
              <td className="p-2">{s.ip ?? "unknown"}</td>
              <td className="p-2"><time dateTime={s.lastSeen}>{new Date(s.lastSeen).toLocaleString("en-GB", { timeZone: "UTC" })} UTC</time></td>
              <td className="p-2"><time dateTime={s.created}>{new Date(s.created).toLocaleString("en-GB", { timeZone: "UTC" })} UTC</time></td>
              <td className="p-2 text-right">
                {s.current ? null : (
                  <button type="submit" formAction={revoke} onClick={() => target.current && (target.current.value = s.id)} disabled={pending} className={`${BUTTON} border border-slate-300 bg-white text-slate-800 hover:bg-slate-100`}>
                    Sign out this session
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      </ScrollRegion>
      {sessions.length > 1 ? (
        <div className="mt-4">
          <button type="submit" formAction={revokeOthers} onClick={() => target.current && (target.current.value = "")} disabled={pending} className={`${BUTTON} bg-red-700 text-white hover:bg-red-800`}>
            Sign out all other sessions
          </button>
        </div>
      ) : null}
    </form>
  );
}
