import "server-only";
import { and, asc, eq, inArray } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "@/db";
import { bankInstitutions } from "@/db/schema";
import { env, isProduction } from "@/lib/env";
import { issuerProblem } from "./issuer-policy";

export const SANDBOX_CLIENT_ID = "chargekeep-dev";
export const SANDBOX_CLIENT_SECRET = "chargekeep-dev-secret";

const urlRule = (what: string) =>
  z.string().trim().max(500).superRefine((v, ctx) => {
    const problem = issuerProblem(v, { production: isProduction(), appUrl: env().APP_URL });
    if (problem) ctx.addIssue({ code: "custom", message: `${what}: ${problem}` });
  });

/** What an operator gives to add an institution (scripts/institution-add.ts). */
export const institutionInputSchema = z.object({
  slug: z.string().trim().regex(/^[a-z0-9][a-z0-9-]{1,39}$/, "Use 2-40 lower-case letters, digits and dashes."),
  name: z.string().trim().min(2).max(100),
  issuer: urlRule("Issuer"),
  clientId: z.string().trim().min(1).max(200),
  clientSecret: z.string().min(1).max(500).nullable(),
  tokenAuthMethod: z.enum(["client_secret_basic", "client_secret_post", "none"]).default("client_secret_basic"),
  scopes: z
    .string()
    .trim()
    .max(500)
    // RFC 6749 scope-tokens: printable ASCII without space, '"' or '\\', separated by single spaces.
    .refine((v) => v.split(" ").every((t) => /^[\x21\x23-\x5B\x5D-\x7E]+$/.test(t)), "Space-separated OAuth scopes.")
    .default("openid fdx:read"),
  resource: urlRule("Resource"),
  apiBaseUrl: urlRule("API base URL"),
  consentDays: z.coerce.number().int().min(1).max(3650).default(90),
});
export type InstitutionInput = z.input<typeof institutionInputSchema>;

/** Inserts or updates (by slug) an institution. The secret is an encrypted column. */
export async function upsertInstitution(db: Database, input: InstitutionInput): Promise<string> {
  const v = institutionInputSchema.parse(input);
  const values = { ...v, enabled: true, updatedAt: new Date() };
  const [row] = await db
    .insert(bankInstitutions)
    .values(values)
    .onConflictDoUpdate({ target: bankInstitutions.slug, set: values })
    .returning({ id: bankInstitutions.id });
  return row!.id;
}

export const SANDBOX_SLUGS = ["northwind", "harbor"] as const;

function sandboxEnabled(): boolean {
  const setting = env().SANDBOX_INSTITUTIONS;
  return setting ? setting === "on" : !isProduction();
}

/**
 * The two sandbox institutions (sandbox-bank/), kept in step with SANDBOX_INSTITUTIONS and the
 * SANDBOX_BANK_URL_* addresses at every start; "off" disables them (connections keep their history).
 */
export async function ensureSandboxInstitutions(db: Database): Promise<void> {
  if (!sandboxEnabled()) {
    await db.update(bankInstitutions).set({ enabled: false, updatedAt: new Date() }).where(inArray(bankInstitutions.slug, [...SANDBOX_SLUGS]));
    return;
  }
  const e = env();
  const banks = [
    { slug: "northwind", name: "Northwind Bank (sandbox)", url: e.SANDBOX_BANK_URL_NORTHWIND },
    { slug: "harbor", name: "Harbor Credit Union (sandbox)", url: e.SANDBOX_BANK_URL_HARBOR },
  ];
  for (const b of banks) {
    const issuer = b.url.replace(/\/+$/, "");
    await upsertInstitution(db, {
      slug: b.slug,
      name: b.name,
      issuer,
      clientId: SANDBOX_CLIENT_ID,
      clientSecret: SANDBOX_CLIENT_SECRET,
      scopes: "openid fdx:read",
      resource: `${issuer}/fdx`,
      apiBaseUrl: `${issuer}/fdx`,
      consentDays: 90,
    });
  }
}

export type InstitutionChoice = { id: string; name: string };

const ENSURED = Symbol.for("chargekeep.banking.sandboxEnsured");

/**
 * The sandbox rows are made at start-up (lib/bootstrap); this also makes them once per process on
 * first use, so a server started before that wiring (or a test) offers them too.
 */
function ensureSandboxOnce(db: Database): Promise<void> {
  const g = globalThis as { [ENSURED]?: Promise<void> };
  g[ENSURED] ??= ensureSandboxInstitutions(db).catch((e: unknown) => {
    delete g[ENSURED];
    console.error("[banking] could not set up the sandbox institutions:", e instanceof Error ? e.message : e);
  });
  return g[ENSURED];
}

export async function listEnabledInstitutions(db: Database): Promise<InstitutionChoice[]> {
  await ensureSandboxOnce(db);
  return db
    .select({ id: bankInstitutions.id, name: bankInstitutions.name })
    .from(bankInstitutions)
    .where(eq(bankInstitutions.enabled, true))
    .orderBy(asc(bankInstitutions.name));
}

export async function findEnabledInstitution(db: Database, id: string) {
  const [row] = await db
    .select()
    .from(bankInstitutions)
    .where(and(eq(bankInstitutions.id, id), eq(bankInstitutions.enabled, true)));
  return row;
}

export async function findInstitution(db: Database, id: string) {
  const [row] = await db.select().from(bankInstitutions).where(eq(bankInstitutions.id, id));
  return row;
}
