import { createScimGroup, listScimGroups, parsePage, readScimJson, scimJson, scimRoute } from "@/lib/scim";

/** SCIM Groups: only the directory-managed groups of the token's organization. `excludedAttributes=members` skips members. */
export const GET = scimRoute(async (c) => {
  const withMembers = !(c.url.searchParams.get("excludedAttributes") ?? "").split(",").some((a) => a.trim() === "members");
  return scimJson(await listScimGroups(c, c.url.searchParams.get("filter"), parsePage(c.url), withMembers));
});

export const POST = scimRoute(async (c) => {
  const group = await createScimGroup(c, await readScimJson(c.req));
  return scimJson(group, 201, { location: group.meta.location });
});
