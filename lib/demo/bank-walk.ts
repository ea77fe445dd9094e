import "server-only";
import { isLoopbackHost } from "@/lib/banking";

/**
 * The demo's browser at the sandbox bank: fetch with a cookie jar that follows redirects until one
 * leaves for the app's callback (returned, not fetched) or a page renders. It only ever talks to a
 * loopback address, so it cannot be pointed at a real bank's sign-in page.
 */
export class LoopbackBrowser {
  private readonly jar = new Map<string, string>();

  constructor(private readonly callbackPrefix: string) {}

  private async request(url: string, form?: Record<string, string | readonly string[]>): Promise<Response> {
    if (!isLoopbackHost(new URL(url).hostname)) throw new Error("The demo only signs in at a bank on this machine (loopback).");
    let body: URLSearchParams | undefined;
    if (form) {
      body = new URLSearchParams();
      for (const [k, v] of Object.entries(form)) for (const item of typeof v === "string" ? [v] : v) body.append(k, item);
    }
    const res = await fetch(url, {
      method: body ? "POST" : "GET",
      body,
      redirect: "manual",
      headers: { cookie: [...this.jar].map(([k, v]) => `${k}=${v}`).join("; ") },
      signal: AbortSignal.timeout(30_000),
    });
    for (const line of res.headers.getSetCookie()) {
      const [pair = "", ...attrs] = line.split(";");
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq).trim();
      const expired = attrs.some((a) => /expires=thu, 01 jan 1970/i.test(a.trim()));
      if (expired || pair.slice(eq + 1) === "") this.jar.delete(name);
      else this.jar.set(name, pair.slice(eq + 1));
    }
    return res;
  }

  async follow(url: string, form?: Record<string, string | readonly string[]>): Promise<{ callback?: URL; page?: Response; url: string }> {
    let res = await this.request(url, form);
    let current = url;
    for (let hops = 0; hops < 10; hops++) {
      const location = res.headers.get("location");
      if (res.status < 300 || res.status >= 400 || !location) return { page: res, url: current };
      await res.body?.cancel();
      const next = new URL(location, current);
      if (next.href.startsWith(this.callbackPrefix)) return { callback: next, url: current };
      current = next.href;
      res = await this.request(current);
    }
    throw new Error("The sandbox bank redirected in a loop.");
  }
}

export type BankLogin = { email: string; password: string; accounts: readonly string[]; durationDays: number };

/** Signs in at the sandbox bank's page and consents, as a person would; returns the callback URL. */
export async function consentAtBank(authorizationUrl: string, callbackPrefix: string, login: BankLogin): Promise<URL> {
  const browser = new LoopbackBrowser(callbackPrefix);
  let step = await browser.follow(authorizationUrl);
  if (step.page) {
    await step.page.body?.cancel();
    step = await browser.follow(`${step.url}/login`, { email: login.email, password: login.password });
  }
  if (step.page) {
    await step.page.body?.cancel();
    step = await browser.follow(`${step.url}/confirm`, { account: login.accounts, duration: String(login.durationDays) });
  }
  if (!step.callback) throw new Error(`The sandbox bank did not send the browser back (status ${step.page?.status ?? "none"}).`);
  return step.callback;
}
