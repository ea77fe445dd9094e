import type { Authorizable, Permission } from "@/lib/rbac";

/**
 * Shows its children only when the session holds `permission` (mirrors authorize()). This only
 * hides controls a person may not use: the server action or route behind them checks again.
 */
export function Can({ permission, ctx, children, fallback = null }: { permission: Permission; ctx: Authorizable; children: React.ReactNode; fallback?: React.ReactNode }) {
  return ctx.permissions.has(permission) ? children : fallback;
}
