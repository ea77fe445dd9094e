import "server-only";
import SCIMMY from "scimmy";
import { env } from "@/lib/env";

/** Once per process: scimmy keeps its declarations on a singleton. Discovery (/ResourceTypes, /Schemas) reads them. */
let declared = false;
export function declareScimResources(): void {
  if (declared) return;
  SCIMMY.Resources.declare(SCIMMY.Resources.User);
  SCIMMY.Resources.declare(SCIMMY.Resources.Group);
  SCIMMY.Config.set({
    documentationUri: `${env().APP_URL}/#scim-provisioning`,
    patch: true,
    filter: { supported: true, maxResults: 200 },
    bulk: false,
    sort: false,
    etag: false,
    changePassword: false,
    authenticationSchemes: [
      { type: "oauthbearertoken", name: "Bearer token", description: "A SCIM token created by an owner on ChargeKeep's SCIM provisioning page.", primary: true },
    ],
  });
  declared = true;
}

/** The base of every SCIM location (RFC 7644 §3.1: meta.location is the resource's full URI). */
export function scimBase(): string {
  return `${env().APP_URL.replace(/\/$/, "")}/api/scim/v2`;
}
