import { deleteScimGroup, getScimGroup, patchScimGroup, readScimJson, replaceScimGroup, scimJson, scimRoute, type ScimCtx } from "@/lib/scim";

const idOf = (c: ScimCtx) => String(c.params.id ?? "");

export const GET = scimRoute(async (c) => scimJson(await getScimGroup(c, idOf(c))));
export const PUT = scimRoute(async (c) => scimJson(await replaceScimGroup(c, idOf(c), await readScimJson(c.req))));
export const PATCH = scimRoute(async (c) => scimJson(await patchScimGroup(c, idOf(c), await readScimJson(c.req))));
export const DELETE = scimRoute(async (c) => {
  await deleteScimGroup(c, idOf(c));
  return new Response(null, { status: 204, headers: { "cache-control": "no-store" } });
});
