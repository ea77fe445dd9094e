import { expect, type Page } from "@playwright/test";

/** What has keyboard focus: enough to say where it is and whether a sighted person can see it. */
export type Focused = { tag: string; name: string; href: string | null; inputName: string | null; focusVisible: boolean; outline: string };

export async function focused(page: Page): Promise<Focused> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return { tag: "body", name: "", href: null, inputName: null, focusVisible: false, outline: "" };
    const style = getComputedStyle(el);
    const label = el.id ? document.querySelector(`label[for="${CSS.escape(el.id)}"]`)?.textContent : null;
    const name = (el.getAttribute("aria-label") ?? label ?? el.textContent ?? "").trim().replace(/\s+/g, " ");
    // A visible indicator: an outline (globals.css draws one on :focus-visible) or a Tailwind ring (box-shadow).
    const outlined = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
    const ringed = style.boxShadow !== "none" && style.boxShadow !== "";
    return {
      tag: el.tagName.toLowerCase(),
      name,
      href: el.getAttribute("href"),
      inputName: el.getAttribute("name"),
      focusVisible: el.matches(":focus-visible") && (outlined || ringed),
      outline: `${style.outlineStyle} ${style.outlineWidth} ${style.outlineColor}`,
    };
  });
}

const describe = (f: Focused) => `${f.tag}${f.name ? ` "${f.name.slice(0, 40)}"` : ""}${f.href ? ` (${f.href})` : ""}`;

/**
 * Presses Tab (Shift+Tab when `backward`) until `wanted` has focus, at most `max` times, and expects
 * every stop on the way to show a visible focus indicator. Fails with the path focus took.
 */
export async function tabTo(page: Page, wanted: (f: Focused) => boolean, opts: { what: string; max?: number; backward?: boolean }): Promise<Focused> {
  const path: string[] = [];
  for (let i = 0; i < (opts.max ?? 40); i++) {
    await page.keyboard.press(opts.backward ? "Shift+Tab" : "Tab");
    const f = await focused(page);
    if (f.tag === "body") continue; // focus left the page at either end and comes back with the next press
    path.push(describe(f));
    expect(f.focusVisible, `focus on ${describe(f)} has a visible indicator (outline: ${f.outline})`).toBe(true);
    if (wanted(f)) return f;
  }
  throw new Error(`${opts.what} was not reached with ${opts.max ?? 40} presses; focus went: ${path.join(" → ")}`);
}
