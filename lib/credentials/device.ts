import { UAParser } from "ua-parser-js";

/** "Chrome 156 on Linux" from a user agent, for the session list. */
export function describeDevice(userAgent: string | null): string {
  if (!userAgent) return "Unknown device";
  const r = new UAParser(userAgent).getResult();
  const browser = [r.browser.name, r.browser.major].filter(Boolean).join(" ");
  const os = [r.os.name, r.os.version].filter(Boolean).join(" ");
  if (!browser && !os) return userAgent.slice(0, 60);
  return os ? `${browser || "Browser"} on ${os}` : browser;
}

/** Browser family + operating system + device type, for "a device never seen": a browser update is not a new device. */
export function deviceKey(userAgent: string | null | undefined): string | null {
  if (!userAgent) return null;
  const r = new UAParser(userAgent).getResult();
  const key = [r.browser.name ?? "", r.os.name ?? "", r.device.type ?? "desktop"].join("|");
  return key === "||desktop" ? userAgent.slice(0, 120) : key;
}
