import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

const APP = path.resolve(import.meta.dirname, "../../app");

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? walk(full) : [full];
  });
}

function segmentsOf(file: string): string[] {
  return path
    .relative(APP, path.dirname(file))
    .split(path.sep)
    .filter((p) => p && !(p.startsWith("(") && p.endsWith(")")));
}

/** "/app/(auth)/sign-in/page.tsx" -> "/sign-in"; dynamic segments become sample values. */
function urlPathOf(file: string): string {
  return "/" + segmentsOf(file).map((p) => (p.startsWith("[") ? "0".repeat(64) : p)).join("/");
}

/** Names of the dynamic segments, e.g. ["userId"] for app/(app)/admin/members/[userId]/page.tsx. */
function paramsOf(file: string): string[] {
  return segmentsOf(file)
    .filter((p) => p.startsWith("["))
    .map((p) => p.replace(/^\[+\.*|\]+$/g, ""));
}

/** Every route handler, page and server-action module in app/, found from the code, not a list. */
export function appInventory() {
  const files = walk(APP);
  return {
    routes: files.filter((f) => /\/route\.tsx?$/.test(f)).map((file) => ({ file, path: urlPathOf(file), params: paramsOf(file) })),
    pages: files.filter((f) => /\/page\.tsx$/.test(f)).map((file) => ({ file, path: urlPathOf(file), params: paramsOf(file) })),
    actionModules: files
      .filter((f) => /\.tsx?$/.test(f) && /^\s*["']use server["']/.test(readFileSync(f, "utf8")))
      .map((file) => ({ file, path: urlPathOf(file) })),
  };
}

/** Pages anyone may open without a session (the proxy's list, seen from the pages' side). */
export const PUBLIC_PAGES = new Set([
  "/",
  "/sign-in",
  "/sign-up",
  "/sign-up/done",
  "/verify-email",
  "/forgot-password",
  "/reset-password",
  "/contact",
  "/dev/outbox",
  "/invite",
  "/network-refused",
  "/unlock",
  "/sign-in/sso",
]);
