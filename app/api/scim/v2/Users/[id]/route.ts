import { deleteScimUser, getScimUser, patchScimUser, readScimJson, replaceScimUser, scimJson, scimRoute, type ScimCtx } from "@/lib/scim";

const idOf = (c: ScimCtx) => String(c.params.id ?? "");

export const GET = scimRoute(async (c) => scimJson(await getScimUser(c, idOf(c))));
export const PUT = scimRoute(async (c) => scimJson(await replaceScimUser(c, idOf(c), await readScimJson(c.req))));
export const PATCH = scimRoute(async (c) => scimJson(await patchScimUser(c, idOf(c), await readScimJson(c.req))));
export const DELETE = scimRoute(async (c) => {
  await deleteScimUser(c, idOf(c));
  return new Response(null, { status: 204, headers: { "cache-control": "no-store" } });
});
