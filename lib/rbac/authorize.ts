import { AppError, forbidden } from "@/lib/errors";
import { PERMISSIONS, type Permission } from "@/lib/permissions";

/** What authorize() needs from a session: the active organization and its effective permissions. */
export type Authorizable = { organization: { id: string }; permissions: ReadonlySet<Permission> };

/**
 * Another organization's object: answered exactly like "not found" (same code, status and message),
 * but the gate's wrappers can tell it apart and record the attempt (lib/auth/denied.ts).
 */
export class TenantMismatchError extends AppError {
  constructor() {
    super("not_found", 404, "That item was not found.");
  }
}

export function isTenantMismatch(e: unknown): e is TenantMismatchError {
  return e instanceof TenantMismatchError;
}

/** Anything that belongs to a tenant. */
export type TenantResource = { organizationId: string };

/**
 * The one permission check. A resource of another organization reads as "not found" (a 404 does
 * not confirm that the id exists elsewhere); a missing permission is a 403 naming what is missing.
 */
export function authorize(ctx: Authorizable, permission: Permission, resource?: TenantResource | null): void {
  if (resource && resource.organizationId !== ctx.organization.id) throw new TenantMismatchError();
  if (!ctx.permissions.has(permission)) {
    throw forbidden(`You do not have permission to do that (${PERMISSIONS[permission].replace(/\.$/, "").toLowerCase()}).`);
  }
}

export function can(ctx: Authorizable, permission: Permission): boolean {
  return ctx.permissions.has(permission);
}
