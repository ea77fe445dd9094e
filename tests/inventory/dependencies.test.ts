import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

/**
 * package-lock.json is the component inventory (docs/security/dependencies.md): every package pinned
 * to one version with an integrity hash, from the npm registry only, so `npm ci` installs exactly
 * the bytes that were reviewed and nothing from a git repository, a tarball URL or a local folder.
 */
type Locked = { version?: string; resolved?: string; integrity?: string; link?: boolean; dev?: boolean };
const pkg = JSON.parse(readFileSync("package.json", "utf8")) as { dependencies: Record<string, string>; devDependencies: Record<string, string>; allowScripts?: Record<string, boolean> };
const lock = JSON.parse(readFileSync("package-lock.json", "utf8")) as { lockfileVersion: number; packages: Record<string, Locked> };
const locked = Object.entries(lock.packages).filter(([path]) => path !== "");

describe("third-party component inventory", () => {
  it("V15.1.2 pins every package to an exact version with an sha512 integrity hash", () => {
    expect(lock.lockfileVersion).toBeGreaterThanOrEqual(3);
    expect(locked.length).toBeGreaterThan(100);
    const unpinned = locked.filter(([, p]) => !p.link && (!/^\d+\.\d+\.\d+/.test(p.version ?? "") || !/^sha512-[A-Za-z0-9+/]{86}==$/.test(p.integrity ?? "")));
    expect(unpinned.map(([path]) => path)).toEqual([]);
  });

  it("V15.1.2 takes every package from the npm registry: no git, tarball URL or local folder", () => {
    const foreign = locked.filter(([, p]) => p.link || (p.resolved !== undefined && !p.resolved.startsWith("https://registry.npmjs.org/")));
    expect(foreign.map(([path, p]) => `${path} ${p.resolved ?? "(link)"}`)).toEqual([]);
    const specs = { ...pkg.dependencies, ...pkg.devDependencies };
    // A registry version range, or an exact pre-release (next-auth v5 is only published as 5.0.0-beta.N).
    const notFromRegistry = Object.entries(specs).filter(([, spec]) => !/^([\^~]?\d+\.\d+\.\d+|\d+\.\d+\.\d+-[0-9A-Za-z.]+)$/.test(spec));
    expect(notFromRegistry).toEqual([]);
  });

  it("V15.1.2 every direct dependency is in the lockfile, and install scripts are decided only for installed packages", () => {
    const direct = Object.keys({ ...pkg.dependencies, ...pkg.devDependencies });
    expect(direct.filter((name) => !lock.packages[`node_modules/${name}`])).toEqual([]);
    const decided = Object.keys(pkg.allowScripts ?? {});
    expect(decided.filter((name) => !locked.some(([path]) => path.endsWith(`node_modules/${name}`)))).toEqual([]);
  });
});
