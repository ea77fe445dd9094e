import { schemas, scimJson, scimRoute } from "@/lib/scim";

export const GET = scimRoute(async (c) => scimJson(await schemas(String(c.params.id ?? ""))));
