import { AppError, forbidden } from "@/lib/errors";
import { PERMISSIONS, type Permission } from "@/lib/permissions";

/** What authorize() needs from a session: the active organization and its effective permissions. */
export type Authorizable = { organization: { id: string }; permissions: ReadonlySet<Permission> };

/** Anything that belongs to a tenant. */
export type TenantResource = { organizationId: string };

/**
 * The one permission check. A resource of another organization reads as "not found" (a 404 does
 * not confirm that the id exists elsewhere); a missing permission is a 403 naming what is missing.
 */
export function authorize(ctx: Authorizable, permission: Permission, resource?: TenantResource | null): void {
  if (resource && resource.organizationId !== ctx.organization.id) {
    throw new AppError("not_found", 404, "That item was not found.");
  }
  if (!ctx.permissions.has(permission)) {
    throw forbidden(`You do not have permission to do that (${PERMISSIONS[permission].replace(/\.$/, "").toLowerCase()}).`);
  }
}

export function can(ctx: Authorizable, permission: Permission): boolean {
  return ctx.permissions.has(permission);
}
