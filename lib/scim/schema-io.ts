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

/** Entra ID (without its aadOptscim062020 flag) sends booleans as "True"/"False": read them as booleans. */
function entraBooleans(body: unknown): unknown {
  const ops = (body as { Operations?: unknown })?.Operations;
  if (!Array.isArray(ops)) return body;
  const bool = (v: unknown) => (typeof v === "string" && /^(true|false)$/i.test(v) ? v.toLowerCase() === "true" : v);
  const fixed = ops.map((op: unknown) => {
    if (!op || typeof op !== "object") return op;
    const o = op as { path?: unknown; value?: unknown };
    if (typeof o.path === "string" && o.path.toLowerCase() === "active") return { ...o, value: bool(o.value) };
    if (o.path === undefined && o.value && typeof o.value === "object" && !Array.isArray(o.value) && "active" in o.value) {
      return { ...o, value: { ...(o.value as Record<string, unknown>), active: bool((o.value as { active?: unknown }).active) } };
    }
    return op;
  });
  return { ...(body as object), Operations: fixed };
}

export function patchMessageOf(body: unknown): InstanceType<typeof SCIMMY.Messages.PatchOp> {
  return coerceIn(() => new SCIMMY.Messages.PatchOp(entraBooleans(body) as ConstructorParameters<typeof SCIMMY.Messages.PatchOp>[0]));
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
