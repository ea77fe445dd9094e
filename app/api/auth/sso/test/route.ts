import { route } from "@/lib/gate";
import { startSsoTest } from "@/lib/sso";

/** The owner's "Test connection": a real round trip through the IdP; the result lands on /admin/sso. */
export const POST = route({ auth: true, permission: "security:manage" }, async ({ session, db }) => {
  const { location, cookies } = await startSsoTest(db, session);
  const response = Response.json({ ok: true, redirect: location });
  for (const c of cookies) response.headers.append("set-cookie", c);
  return response;
});
