"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { MainNav, MAIN_NAV_ID } from "@/components/nav/main-nav";
import type { NavSection } from "@/components/nav/nav-sections";
import { useDisclosure } from "@/components/nav/use-disclosure";
import { AccountMenu, type Org } from "./account-menu";

/**
 * The signed-in shell: a skip link, the header (brand, account menu, and the menu button that
 * opens the navigation on narrow screens), the grouped navigation, and the page beside it.
 * The sections come from the server already filtered by permission (components/nav/nav-sections).
 */
export function AppShell(props: {
  userName: string;
  email: string;
  activeOrgId: string;
  orgs: Org[];
  sections: NavSection[];
  children: React.ReactNode;
}) {
  const pathname = usePathname();
  const { open, toggle, buttonRef, panelRef, closeOnLink } = useDisclosure(pathname);
  return (
    <>
      <a href="#main" className="sr-only rounded bg-white px-3 py-2 focus:not-sr-only focus:absolute focus:top-2 focus:left-2 focus:z-30">
        Skip to content
      </a>
      <header className="border-b border-slate-200 bg-white">
        <div className="relative mx-auto flex max-w-7xl items-center gap-3 px-4 py-3 sm:px-6">
          <Link href="/dashboard" prefetch={false} className="text-lg font-semibold text-blue-800">
            ChargeKeep
          </Link>
          <div className="ml-auto flex min-w-0 items-center gap-2">
            <AccountMenu userName={props.userName} email={props.email} activeOrgId={props.activeOrgId} orgs={props.orgs} pathname={pathname} />
            {/* Last in the header, so Tab goes from it straight into the navigation it opened. */}
            <button
              ref={buttonRef}
              type="button"
              aria-expanded={open}
              aria-controls={MAIN_NAV_ID}
              onClick={toggle}
              className="flex items-center gap-1.5 rounded border border-slate-300 px-2 py-1 text-sm font-medium lg:hidden"
            >
              <span aria-hidden="true">{open ? "✕" : "☰"}</span>
              Menu
            </button>
          </div>
        </div>
      </header>
      <div className="mx-auto max-w-7xl lg:flex">
        <MainNav sections={props.sections} pathname={pathname} open={open} panelRef={panelRef} onClick={closeOnLink} />
        <div className="min-w-0 flex-1">{props.children}</div>
      </div>
    </>
  );
}
