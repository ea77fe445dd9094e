import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "../..");

function cli(args: string[], opts: { env?: Record<string, string>; input?: string } = {}) {
  const r = spawnSync("npx", ["tsx", "--conditions=react-server", "scripts/institution-add.ts", ...args], {
    cwd: ROOT,
    env: { ...process.env, ...opts.env },
    input: opts.input ?? "",
    encoding: "utf8",
    timeout: 110_000,
  });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

const base = ["--name", "Acme Bank", "--issuer", "https://id.acme.example", "--client-id", "ck", "--resource", "https://api.acme.example/fdx", "--api-base", "https://api.acme.example/fdx", "--skip-discovery"];

// A child process with its own database cold start: slow on a shared machine, so a generous limit.
describe("npm run institutions:add", { timeout: 120_000 }, () => {
  it("V13.3.1 refuses a client secret on the command line (argv shows in ps and shell history)", () => {
    const r = cli(["--slug", "acme-argv", ...base, "--client-secret", "hunter2"]);
    expect(r.status).toBe(2);
    expect(r.out).toContain("The client secret is never an argument");
  });

  it("V13.3.1 V12.2.1 reads the secret from stdin, and refuses a plain http issuer that is not loopback", () => {
    const bad = cli(["--slug", "acme-http", ...base.map((a) => (a === "https://id.acme.example" ? "http://id.acme.example" : a)), "--secret-stdin"], { input: "s3cret\n" });
    expect(bad.status).toBe(2);
    expect(bad.out).toMatch(/--issuer: Issuer: Plain http:\/\/ is only allowed for a loopback host/);
    // PGLITE_DIR is memory:// in tests (tests/setup.ts): the child migrates its own in-memory database.
    const ok = cli(["--slug", `acme-${Date.now().toString(36)}`, ...base, "--secret-stdin"], { input: "s3cret\n" });
    expect(ok.out).toMatch(/Institution acme-\w+ \(Acme Bank\) saved as [0-9a-f-]{36}/);
    expect(ok.status).toBe(0);
  });
});
