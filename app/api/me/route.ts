import { route } from "@/lib/gate";

export const dynamic = "force-dynamic";

export const GET = route({ auth: true }, ({ session }) =>
  Response.json(
    {
      user: { id: session.user.id, email: session.user.email, name: session.user.name },
      organization: session.organization,
    },
    { headers: { "cache-control": "no-store" } },
  ),
);
