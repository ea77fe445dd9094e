import { getDb } from "@/db";
import { validateSessionToken } from "@/lib/auth";
import { createScimToken } from "@/lib/scim";
import { makeSteppedUpSession, makeUser } from "@/tests/factories";

/** An organization with its owner (stepped up) and a fresh SCIM token: what the SCIM tests start from. */
export async function orgWithScimToken() {
  const owner = await makeUser();
  const ctx = (await validateSessionToken(getDb(), (await makeSteppedUpSession(owner.user.id, owner.organizationId)).token))!;
  const meta = { ip: "203.0.113.9", userAgent: "vitest", requestId: crypto.randomUUID() };
  const { id, token } = await createScimToken(getDb(), ctx, { name: "Okta" }, meta);
  return { owner, ctx, meta, tokenId: id, token, organizationId: owner.organizationId };
}

type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;

/** Calls a SCIM route handler as an identity provider would (bearer token, SCIM JSON, a client address). */
export async function scimCall(handler: Handler, opts: { token?: string | null; method?: string; path?: string; body?: unknown; rawBody?: string; params?: Record<string, string>; ip?: string }) {
  const headers: Record<string, string> = { "content-type": "application/scim+json", "x-real-ip": opts.ip ?? "198.51.100.20" };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  const req = new Request(`http://localhost:3000/api/scim/v2${opts.path ?? "/Users"}`, {
    method: opts.method ?? "GET",
    headers,
    body: opts.rawBody ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body)),
  });
  const res = await handler(req, { params: Promise.resolve(opts.params ?? {}) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as Record<string, unknown> & { Resources?: Record<string, unknown>[] }) : null };
}

export const USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User";
export const GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group";
export const PATCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

export const scimUserBody = (email: string, extra: Record<string, unknown> = {}) => ({
  schemas: [USER_SCHEMA],
  userName: email,
  externalId: `ext-${email}`,
  name: { givenName: "Ada", familyName: "Lovelace" },
  emails: [{ value: email, type: "work", primary: true }],
  active: true,
  ...extra,
});
