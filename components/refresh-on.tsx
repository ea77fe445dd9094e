"use client";

import { useRouter } from "next/navigation";
import { useEffect, useSyncExternalStore } from "react";

const subscribeNever = () => () => {};

/**
 * Re-reads the page's server components (router.refresh) each time `count` grows: a polling
 * component asks for it by counting up instead of holding the router itself. Mounted only in the
 * browser, so the pages that use it still render where no app router exists (server-side tests).
 */
export function RefreshOn({ count }: { count: number }) {
  const inBrowser = useSyncExternalStore(
    subscribeNever,
    () => true,
    () => false,
  );
  return inBrowser ? <Refresher count={count} /> : null;
}

function Refresher({ count }: { count: number }) {
  const router = useRouter();
  useEffect(() => {
    if (count > 0) router.refresh();
  }, [count, router]);
  return null;
}
