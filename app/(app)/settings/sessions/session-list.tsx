"use client";

import { useActionState } from "react";
import { FormMessage, SubmitButton } from "@/components/form";
import { revokeOtherSessionsAction, revokeSessionAction } from "./actions";

export type SessionRow = { id: string; device: string; ip: string | null; lastSeen: string; created: string; current: boolean };

export function SessionList({ sessions }: { sessions: SessionRow[] }) {
  const [revokeState, revoke] = useActionState(revokeSessionAction, undefined);
  const [othersState, revokeOthers] = useActionState(revokeOtherSessionsAction, undefined);
  return (
    <div>
      <FormMessage state={revokeState ?? othersState} />
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
                  <form action={revoke}>
                    <input type="hidden" name="sessionId" value={s.id} />
                    <SubmitButton variant="secondary">Sign out this session</SubmitButton>
                  </form>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {sessions.length > 1 ? (
        <form action={revokeOthers} className="mt-4">
          <SubmitButton variant="danger">Sign out all other sessions</SubmitButton>
        </form>
      ) : null}
    </div>
  );
}
