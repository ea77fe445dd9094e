"use client";

import Link from "next/link";
import { isCurrentPlace } from "./is-current";
import type { NavSection } from "./nav-sections";

export const MAIN_NAV_ID = "main-nav";

/**
 * The grouped navigation: a sidebar on wide screens, a panel the menu button opens on narrow ones.
 * The current place is marked for assistive technology (aria-current) and for the eye by a bar and
 * bold type, not by colour alone.
 */
export function MainNav({
  sections,
  pathname,
  open,
  panelRef,
  onClick,
}: {
  sections: NavSection[];
  pathname: string;
  open: boolean;
  panelRef: React.RefObject<HTMLElement | null>;
  onClick: (e: React.MouseEvent) => void;
}) {
  return (
    <nav
      id={MAIN_NAV_ID}
      ref={panelRef}
      aria-label="Main"
      onClick={onClick}
      className={`${open ? "block" : "hidden"} border-b border-slate-200 bg-white lg:block lg:w-56 lg:shrink-0 lg:border-r lg:border-b-0 lg:bg-transparent`}
    >
      <div className="grid gap-5 px-4 py-4 sm:grid-cols-2 lg:grid-cols-1 lg:px-3 lg:py-6">
        {sections.map((s) => (
          <div key={s.id}>
            <p id={`nav-${s.id}`} className="px-3 text-xs font-semibold tracking-wide text-slate-600 uppercase">
              {s.label}
            </p>
            <ul aria-labelledby={`nav-${s.id}`} className="mt-1 space-y-0.5 text-sm">
              {s.items.map((item) => {
                const current = isCurrentPlace(pathname, item);
                return (
                  <li key={item.href}>
                    {/* No prefetch: a sidebar of up to 25 links would ask the server for each on every page. */}
                    <Link
                      href={item.href}
                      prefetch={false}
                      aria-current={current ? "page" : undefined}
                      className={`block rounded-r border-l-4 px-3 py-1.5 ${current ? "border-blue-700 bg-blue-50 font-semibold text-blue-900" : "border-transparent text-slate-700 hover:bg-slate-100 hover:text-slate-900"}`}
                    >
                      {item.label}
                    </Link>
                  </li>
                );
              })}
            </ul>
          </div>
        ))}
      </div>
    </nav>
  );
}
