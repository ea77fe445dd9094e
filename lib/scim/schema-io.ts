import "server-only";
import SCIMMY from "scimmy";
import { scimError } from "./errors";

/**
 * Incoming resources through scimmy's schema (types, required attributes, read-only ones dropped).
 * Its schema errors are TypeErrors: they become 400 invalidValue with scimmy's sentence.
 */
export function coerceIn<T>(make: () => T): T {
  try {
    return make();
  } catch (e) {
    if (e instanceof SCIMMY.Types.Error) throw e;
    if (e instanceof TypeError) throw scimError(400, "invalidValue", e.message);
    throw e;
  }
}

export function patchMessageOf(body: unknown): InstanceType<typeof SCIMMY.Messages.PatchOp> {
  return coerceIn(() => new SCIMMY.Messages.PatchOp(body as ConstructorParameters<typeof SCIMMY.Messages.PatchOp>[0]));
}

/** Applies a PatchOp to a resource (scimmy); bad paths and values are 400s with scimType. */
export async function applyPatch<S extends object>(message: InstanceType<typeof SCIMMY.Messages.PatchOp>, resource: S): Promise<S> {
  try {
    return (await message.apply(resource as never, async (patched) => patched as never)) as S;
  } catch (e) {
    if (e instanceof SCIMMY.Types.Error) throw e;
    if (e instanceof TypeError) throw scimError(400, "invalidValue", e.message);
    throw e;
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (v: unknown): v is string => typeof v === "string" && UUID.test(v);
