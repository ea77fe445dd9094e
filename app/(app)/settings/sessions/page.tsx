import type { Metadata } from "next";
import { describeDevice, listSessions } from "@/lib/auth";
import { requirePageSession } from "@/lib/gate";
import { env } from "@/lib/env";
import { SessionList } from "./session-list";

export const metadata: Metadata = { title: "Sessions" };

export default async function SessionsPage() {
  const { session: ctx, db } = await requirePageSession();
  const rows = await listSessions(db, ctx.user.id);
  return (
    <section aria-labelledby="sessions-title">
      <h1 id="sessions-title" className="mb-2 text-2xl font-semibold">Where you are signed in</h1>
      <p className="mb-6 text-sm text-slate-600">
        Sessions end after {env().SESSION_IDLE_MINUTES} minutes without activity and {env().SESSION_ABSOLUTE_HOURS} hours after sign-in at the latest. Sign out any you do not recognise.
      </p>
      <SessionList
        needsPassword={!ctx.mfa.enrolled}
        sessions={rows.map((r) => ({
          id: r.id,
          device: describeDevice(r.userAgent),
          ip: r.ip,
          lastSeen: r.lastSeenAt.toISOString(),
          created: r.createdAt.toISOString(),
          current: r.id === ctx.session.id,
        }))}
      />
    </section>
  );
}
