import type { NavItem } from "./nav-sections";

const under = (pathname: string, prefix: string) => pathname === prefix || pathname.startsWith(`${prefix}/`);

/** Whether a link is the current place: its own page or any page below it (/admin/members/123 is Members). */
export function isCurrentPlace(pathname: string, item: Pick<NavItem, "href" | "also">): boolean {
  return [item.href, ...(item.also ?? [])].some((p) => under(pathname, p));
}
