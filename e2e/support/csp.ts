import type { Page } from "@playwright/test";

/** Directive name -> its source list. */
export function parseCsp(header: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const part of header.split(";")) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name) out.set(name.toLowerCase(), values);
  }
  return out;
}

export function nonceOf(header: string): string | undefined {
  return parseCsp(header)
    .get("script-src")
    ?.map((v) => /^'nonce-([^']+)'$/.exec(v)?.[1])
    .find(Boolean);
}

/**
 * Records every CSP violation a page reports, two ways: Chromium's console error ("Refused to ...
 * Content Security Policy ...") and the DOM's securitypolicyviolation event. Also page errors,
 * since a blocked script often shows up as a broken page.
 */
export async function watchCsp(page: Page) {
  const consoleViolations: string[] = [];
  const pageErrors: string[] = [];
  page.on("console", (m) => {
    if ((m.type() === "error" || m.type() === "warning") && /Content Security Policy/i.test(m.text())) consoleViolations.push(m.text());
  });
  page.on("pageerror", (e) => pageErrors.push(e.message));
  await page.addInitScript(() => {
    const w = window as unknown as { __cspViolations: string[] };
    w.__cspViolations = [];
    document.addEventListener("securitypolicyviolation", (e) => {
      w.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || "inline"} (${e.sourceFile}:${e.lineNumber})`);
    });
  });
  return {
    consoleViolations,
    pageErrors,
    /** Violations reported by the DOM event on the current document. */
    domViolations: () => page.evaluate(() => (window as unknown as { __cspViolations?: string[] }).__cspViolations ?? []),
  };
}
