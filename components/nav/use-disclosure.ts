"use client";

import { useCallback, useEffect, useRef, useState } from "react";

/**
 * A button that shows and hides a panel (the WAI-ARIA disclosure pattern, not a `menu` role: the
 * panel holds ordinary links and forms that Tab reaches in order). Escape closes it and puts focus
 * back on the button; a press outside closes it.
 *
 * The shell stays mounted across client-side navigation, so the panel remembers the `place` it was
 * opened at (the path, the organization) and counts as closed anywhere else: following a link or
 * switching organization closes it without an effect that watches the route.
 */
export function useDisclosure<Panel extends HTMLElement = HTMLElement>(place: string) {
  const [openAt, setOpenAt] = useState<string | null>(null);
  const open = openAt === place;
  const buttonRef = useRef<HTMLButtonElement>(null);
  const panelRef = useRef<Panel>(null);

  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== "Escape") return;
      setOpenAt(null);
      buttonRef.current?.focus();
    };
    const onPointer = (e: PointerEvent) => {
      const target = e.target as Node;
      if (panelRef.current?.contains(target) || buttonRef.current?.contains(target)) return;
      setOpenAt(null);
    };
    document.addEventListener("keydown", onKey);
    document.addEventListener("pointerdown", onPointer);
    return () => {
      document.removeEventListener("keydown", onKey);
      document.removeEventListener("pointerdown", onPointer);
    };
  }, [open]);

  const toggle = useCallback(() => setOpenAt((at) => (at === place ? null : place)), [place]);
  /** For the panel's onClick: a link to the page already shown does not change the place, so close here too. */
  const closeOnLink = useCallback((e: React.MouseEvent) => {
    if ((e.target as HTMLElement).closest("a")) setOpenAt(null);
  }, []);

  return { open, toggle, buttonRef, panelRef, closeOnLink };
}
