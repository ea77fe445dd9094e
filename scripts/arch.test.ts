import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// @ts-expect-error: a plain ES module script without type declarations
import { cruiseJson, unknownViolations } from "./arch.mjs";

type Violation = { rule: { name: string }; from: string; to: string };
type Files = Record<string, string>;

// A small tree shaped like ChargeKeep, cruised with the real .dependency-cruiser.cjs. The clean tree has no
// violation at all; the dirty tree adds, each in its own file, every import issue 19 names as forbidden,
// and each must be reported by its rule. (One tree for all of them: a depcruise run costs seconds.)
const CLEAN: Files = {
  "tsconfig.json": JSON.stringify({ compilerOptions: { baseUrl: ".", paths: { "@/*": ["./*"] } } }),
  "lib/env/index.ts": "export const env = {};\n",
  "lib/http/index.ts": 'export { clientIpFrom } from "./client-address";\n',
  "lib/http/client-address.ts": "export const clientIpFrom = () => '';\n",
  "db/index.ts": 'import { env } from "@/lib/env";\nexport const getDb = () => env;\n',
  "db/schema/identity.ts": "export const users = {};\n",
  "lib/audit/index.ts": 'export { recordAudit } from "./record";\n',
  "lib/audit/record.ts": 'import { getDb } from "@/db";\nexport const recordAudit = () => getDb();\n',
  "lib/auth/index.ts": 'export { requireSession } from "./gate";\nexport { readSession } from "./session";\n',
  "lib/auth/session.ts": 'import { recordAudit } from "@/lib/audit";\nexport const readSession = () => recordAudit();\n',
  "lib/auth/gate.ts": 'import { clientIpFrom } from "@/lib/http";\nexport const requireSession = () => clientIpFrom();\n',
  "lib/defense/index.ts": 'export { recordFailure } from "./record-failure";\n',
  "lib/defense/record-failure.ts": 'import { recordAudit } from "@/lib/audit";\nexport const recordFailure = () => recordAudit();\n',
  "lib/alerts/index.ts": 'export { raiseAlert } from "./raise";\n',
  "lib/alerts/raise.ts": 'import { recordAudit } from "@/lib/audit";\nexport const raiseAlert = () => recordAudit();\n',
  "lib/banking/index.ts": "export const connect = () => 1;\n",
  "app/page.tsx": 'import { requireSession } from "@/lib/auth";\nexport default function Page() { return requireSession(); }\n',
  "components/card.tsx": "export function Card() { return null; }\n",
  "sandbox-bank/server.ts": "export const bank = 1;\n",
  "tests/support/factories.ts": "export const makeUser = () => 1;\n",
};

const ROOTS = ["app", "components", "lib", "db", "sandbox-bank"];

/** Each forbidden import: the files that add it, the rule, and the violation's from -> to. */
const FORBIDDEN: Array<{ what: string; files: Files; rule: string; from: string; to: string }> = [
  {
    what: "audit importing alerts (alerts subscribe to recorded events instead)",
    files: { "lib/audit/notify.ts": 'import { raiseAlert } from "@/lib/alerts";\nexport const notify = () => raiseAlert();\n' },
    rule: "layer-audit-log",
    from: "lib/audit/notify.ts",
    to: "lib/alerts/index.ts",
  },
  {
    what: "the same import as a cycle between the two capabilities",
    files: {},
    rule: "no-capability-cycle",
    from: "lib/alerts",
    to: "lib/audit",
  },
  {
    what: "defense importing auth's session module (a deep path)",
    files: { "lib/defense/lock.ts": 'import { readSession } from "@/lib/auth/session";\nexport const lock = () => readSession();\n' },
    rule: "no-deep-capability-import-from-lib",
    from: "lib/defense/lock.ts",
    to: "lib/auth/session.ts",
  },
  {
    what: "a type-only import that closes a cycle (rbac and orgs)",
    files: {
      "lib/orgs/index.ts": 'import type { Role } from "@/lib/rbac";\nexport const switchOrg = (_r?: Role) => 1;\n',
      "lib/rbac/index.ts": 'import { switchOrg } from "@/lib/orgs";\nexport type Role = string;\nexport const authorize = () => switchOrg();\n',
    },
    rule: "no-capability-cycle",
    from: "lib/orgs",
    to: "lib/rbac",
  },
  {
    what: "app/ importing a capability's deep path",
    files: { "app/ip/page.tsx": 'import { clientIpFrom } from "@/lib/http/client-address";\nexport default function Page() { return clientIpFrom(); }\n' },
    rule: "no-deep-capability-import",
    from: "app/ip/page.tsx",
    to: "lib/http/client-address.ts",
  },
  {
    what: "components/ importing db/",
    files: { "components/db-card.tsx": 'import { getDb } from "@/db";\nexport function DbCard() { getDb(); return null; }\n' },
    rule: "components-not-to-db-or-app",
    from: "components/db-card.tsx",
    to: "db/index.ts",
  },
  {
    what: "components/ importing app/ (a server action)",
    files: { "components/app-card.tsx": 'import Page from "@/app/page";\nexport function AppCard() { return Page(); }\n' },
    rule: "components-not-to-db-or-app",
    from: "components/app-card.tsx",
    to: "app/page.tsx",
  },
  {
    what: "app/ importing db/",
    files: { "app/db/page.tsx": 'import { getDb } from "@/db";\nexport default function Page() { return getDb(); }\n' },
    rule: "app-db-only-through-lib",
    from: "app/db/page.tsx",
    to: "db/index.ts",
  },
  {
    what: "lib/ importing app/",
    files: { "lib/banking/callback.ts": 'import Page from "@/app/page";\nexport const callback = () => Page();\n' },
    rule: "lib-not-to-delivery",
    from: "lib/banking/callback.ts",
    to: "app/page.tsx",
  },
  {
    what: "lib/ importing the sandbox bank",
    files: { "lib/banking/sandbox.ts": 'import { bank } from "@/sandbox-bank/server";\nexport const sandbox = () => bank;\n' },
    rule: "lib-not-to-delivery",
    from: "lib/banking/sandbox.ts",
    to: "sandbox-bank/server.ts",
  },
  {
    what: "the sandbox bank importing ChargeKeep code",
    files: { "sandbox-bank/retry.ts": 'import { connect } from "@/lib/banking";\nexport const retry = () => connect();\n' },
    rule: "sandbox-bank-shares-nothing",
    from: "sandbox-bank/retry.ts",
    to: "lib/banking/index.ts",
  },
  {
    what: "db/schema importing a business rule",
    files: { "db/schema/rules.ts": 'import { requireSession } from "@/lib/auth";\nexport const rules = { requireSession };\n' },
    rule: "db-schema-no-business-rule",
    from: "db/schema/rules.ts",
    to: "lib/auth/index.ts",
  },
  {
    what: "db/ importing a capability other than env",
    files: { "db/seed.ts": 'import { recordAudit } from "@/lib/audit";\nexport const seed = () => recordAudit();\n' },
    rule: "db-below-lib",
    from: "db/seed.ts",
    to: "lib/audit/index.ts",
  },
];

function tree(files: Files): string {
  const dir = mkdtempSync(path.join(base, "tree-"));
  for (const [file, text] of Object.entries({ ...CLEAN, ...files })) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

/** Outside the table: its test is named with its ASVS id. */
const TEST_SUPPORT = {
  files: { "lib/banking/demo.ts": 'import { makeUser } from "@/tests/support/factories";\nexport const demo = () => makeUser();\n' },
  rule: "production-not-to-test-support",
  from: "lib/banking/demo.ts",
  to: "tests/support/factories.ts",
};

const key = (v: { rule: { name: string }; from: string; to: string }) => `${v.rule.name}: ${v.from} -> ${v.to}`;

let base: string;
let clean: Violation[];
let dirty: Violation[];
let baseline: { result: { summary: { violations: Violation[] } } };
beforeAll(async () => {
  base = mkdtempSync(path.join(tmpdir(), "ck-arch-"));
  const dirtyFiles = Object.assign({}, ...FORBIDDEN.map((f) => f.files), TEST_SUPPORT.files) as Files;
  const [c, d, b] = await Promise.all([
    cruiseJson(tree({}), ROOTS),
    cruiseJson(tree(dirtyFiles), ROOTS),
    cruiseJson(tree({ "app/db/page.tsx": 'import { getDb } from "@/db";\nexport default function Page() { return getDb(); }\n' }), ROOTS),
  ]);
  clean = unknownViolations(c, []).errors;
  dirty = unknownViolations(d, []).errors;
  baseline = { result: b };
}, 120_000);
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe("npm run lint refuses each import issue 19 forbids (dependency-cruiser with .dependency-cruiser.cjs)", () => {
  it("the clean tree passes with no violation", () => {
    expect(clean.map(key)).toEqual([]);
  });

  for (const f of FORBIDDEN) {
    it(`refuses ${f.what} (${f.rule})`, () => {
      expect(dirty.map(key)).toContain(key({ rule: { name: f.rule }, from: f.from, to: f.to }));
    });
  }

  it("V15.2.3 refuses production code importing test support (tests/support)", () => {
    expect(dirty.map(key)).toContain(key({ rule: { name: TEST_SUPPORT.rule }, from: TEST_SUPPORT.from, to: TEST_SUPPORT.to }));
  });

  it("a known violation (the baseline) is let through, and only that one", () => {
    const known = baseline.result.summary.violations;
    expect(known.map(key)).toEqual(["app-db-only-through-lib: app/db/page.tsx -> db/index.ts"]);
    expect(unknownViolations(baseline.result, known).errors).toEqual([]);
    expect(unknownViolations(baseline.result, []).errors.map(key)).toEqual(known.map(key));
  });
});
