import type { Permission } from "@/lib/permissions";
import { pointsFor } from "./score";
import type { PostureItem } from "./types";

/** An item as the page shows it: its points, and whether the viewer may open the page that fixes it. */
export type ShownItem = PostureItem & { points: number; mayFix: boolean };

/**
 * Attaches the points and hides fix links the viewer could only follow into a 403 (an admin is told
 * which permission the owner's page needs instead). The target page still checks for itself.
 */
export function presentItems(items: readonly PostureItem[], permissions: ReadonlySet<Permission>): ShownItem[] {
  return items.map((i) => ({
    ...i,
    points: pointsFor(i.state, i.weight),
    mayFix: "command" in i.fix || i.fix.permission === null || permissions.has(i.fix.permission),
  }));
}
