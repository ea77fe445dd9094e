"use client";

import { useActionState } from "react";
import { FormMessage, SubmitButton } from "@/components/form";
import { revokeOtherSessionsAction, revokeSessionAction } from "./actions";
import { DataTable } from "@/components/data-table";

export type SessionRow = { id: string; device: string; ip: string | null; lastSeen: string; created: string; current: boolean };

export function SessionList({ sessions }: { sessions: SessionRow[] }) {
  const [revokeState, revoke] = useActionState(revokeSessionAction, undefined);
  const [othersState, revokeOthers] = useActionState(revokeOtherSessionsAction, undefined);
  return (
    <div>
      <FormMessage state={revokeState ?? othersState} />
      <DataTable
        caption="Your signed-in sessions"
        rows={sessions}
        rowKey={(s) => s.id}
        rowTestId="session-row"
        columns={[
          {
            header: "Device",
            rowHeader: true,
            cell: (s) => (
              <>
                {s.device} {s.current ? <strong className="ml-1 rounded bg-green-100 px-1 text-green-800">this browser</strong> : null}
              </>
            ),
          },
          { header: "IP address", cell: (s) => s.ip ?? "unknown" },
          { header: "Last seen", cell: (s) => <time dateTime={s.lastSeen}>{new Date(s.lastSeen).toLocaleString("en-GB", { timeZone: "UTC" })} UTC</time> },
          { header: "Signed in", cell: (s) => <time dateTime={s.created}>{new Date(s.created).toLocaleString("en-GB", { timeZone: "UTC" })} UTC</time> },
          {
            header: "Actions",
            srOnly: true,
            align: "right",
            cell: (s) =>
              s.current ? null : (
                <form action={revoke}>
                  <input type="hidden" name="sessionId" value={s.id} />
                  <SubmitButton variant="secondary">Sign out this session</SubmitButton>
                </form>
              ),
          },
        ]}
      />
      {sessions.length > 1 ? (
        <form action={revokeOthers} className="mt-4">
          <SubmitButton variant="danger">Sign out all other sessions</SubmitButton>
        </form>
      ) : null}
    </div>
  );
}
