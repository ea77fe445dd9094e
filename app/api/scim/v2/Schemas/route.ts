import { schemas, scimJson, scimRoute } from "@/lib/scim";

export const GET = scimRoute(async () => scimJson(await schemas()));
