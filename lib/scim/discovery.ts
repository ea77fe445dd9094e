import "server-only";
import SCIMMY from "scimmy";
import { scimError } from "./errors";
import { declareScimResources, scimBase } from "./resources";

/** RFC 7644 §4: what this service provider supports, from scimmy's declarations. */
export async function serviceProviderConfig() {
  declareScimResources();
  const config = (await new SCIMMY.Resources.ServiceProviderConfig().read()) as unknown as Record<string, unknown>;
  return { ...config, meta: { resourceType: "ServiceProviderConfig", location: `${scimBase()}/ServiceProviderConfig` } };
}

export async function resourceTypes(id?: string) {
  declareScimResources();
  SCIMMY.Resources.ResourceType.basepath(scimBase());
  try {
    return await new SCIMMY.Resources.ResourceType(id).read();
  } catch {
    throw scimError(404, null, `No resource type ${String(id).slice(0, 64)}.`);
  }
}

export async function schemas(id?: string) {
  declareScimResources();
  SCIMMY.Resources.Schema.basepath(scimBase());
  try {
    return await new SCIMMY.Resources.Schema(id).read();
  } catch {
    throw scimError(404, null, `No schema ${String(id).slice(0, 64)}.`);
  }
}
