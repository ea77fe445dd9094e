import { describeDevice, listSessions } from "@/lib/auth";
import { route } from "@/lib/gate";

export const dynamic = "force-dynamic";

export const GET = route({ auth: true }, async ({ session, db }) => {
  const rows = await listSessions(db, session.user.id);
  return Response.json(
    {
      sessions: rows.map((r) => ({
        id: r.id,
        device: describeDevice(r.userAgent),
        ip: r.ip,
        createdAt: r.createdAt,
        lastSeenAt: r.lastSeenAt,
        current: r.id === session.session.id,
      })),
    },
    { headers: { "cache-control": "no-store" } },
  );
});
