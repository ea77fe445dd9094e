import { createScimUser, listScimUsers, parsePage, readScimJson, scimJson, scimRoute } from "@/lib/scim";

/** SCIM Users (RFC 7644 §3.3, §3.4.2): the organization is the token's. */
export const GET = scimRoute(async (c) => scimJson(await listScimUsers(c, c.url.searchParams.get("filter"), parsePage(c.url))));

export const POST = scimRoute(async (c) => {
  const user = await createScimUser(c, await readScimJson(c.req));
  return scimJson(user, 201, { location: user.meta.location });
});
