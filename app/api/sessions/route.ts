import { getDb } from "@/db";
import { describeDevice, listSessions } from "@/lib/auth";
import { route } from "@/lib/http";

export const dynamic = "force-dynamic";

export const GET = route({ auth: true }, async ({ session }) => {
  const rows = await listSessions(getDb(), session.user.id);
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
