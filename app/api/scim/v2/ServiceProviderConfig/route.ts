import { scimJson, scimRoute, serviceProviderConfig } from "@/lib/scim";

export const GET = scimRoute(async () => scimJson(await serviceProviderConfig()));
