import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

const APP = path.resolve(import.meta.dirname, "../../app");

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? walk(full) : [full];
  });
}

/** "/app/(auth)/sign-in/page.tsx" -> "/sign-in"; dynamic segments become sample values. */
function urlPathOf(file: string): string {
  const rel = path.relative(APP, path.dirname(file)).split(path.sep);
  const parts = rel.filter((p) => p && !(p.startsWith("(") && p.endsWith(")"))).map((p) => (p.startsWith("[") ? "0".repeat(64) : p));
  return "/" + parts.join("/");
}

/** Every route handler, page and server-action module in app/, found from the code, not a list. */
export function appInventory() {
  const files = walk(APP);
  return {
    routes: files.filter((f) => /\/route\.tsx?$/.test(f)).map((file) => ({ file, path: urlPathOf(file) })),
    pages: files.filter((f) => /\/page\.tsx$/.test(f)).map((file) => ({ file, path: urlPathOf(file) })),
    actionModules: files
      .filter((f) => /\.tsx?$/.test(f) && /^\s*["']use server["']/.test(readFileSync(f, "utf8")))
      .map((file) => ({ file, path: urlPathOf(file) })),
  };
}
