import { resourceTypes, scimJson, scimRoute } from "@/lib/scim";

export const GET = scimRoute(async (c) => scimJson(await resourceTypes(String(c.params.id ?? ""))));
