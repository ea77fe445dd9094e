import "server-only";
import { z } from "zod";

const bool = z
  .enum(["true", "false", "1", "0", ""])
  .optional()
  .transform((v) => v === "true" || v === "1");

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);
/** Seconds where 0 means "no limit" (PostgreSQL's own convention for its timeouts). */
const secondsOrOff = (fallback: number) => z.coerce.number().int().min(0).default(fallback);

/** Hosts often set a variable to "" to clear it; treat that as unset. */
const emptyAsUnset = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === "" ? undefined : v), schema.optional());

/** Strict base64 of 32 bytes; an empty value counts as unset. */
const masterKey = z.preprocess(
  (v) => (v === "" ? undefined : v),
  z
    .string()
    .regex(/^[A-Za-z0-9+/]{43}=$/, "must be 32 random bytes in base64 (44 characters; generate with `openssl rand -base64 32`)")
    .optional(),
);

/** Every environment variable the app reads, with its default. The README lists the same set. */
export const envSchema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    APP_URL: z.url().default("http://localhost:3000"),
    DATABASE_URL: z.string().min(1).optional(),
    PGLITE_DIR: z.string().min(1).default(".data/pglite"),
    /** TLS to PostgreSQL (db/client.ts sslFor): unset = verify-full in production for a remote host. */
    DATABASE_SSL: emptyAsUnset(z.enum(["verify-full", "require", "disable"])),
    /** PEM file of the CA the database's certificate must chain to (an internal or provider CA). */
    DATABASE_SSL_CA_FILE: emptyAsUnset(z.string()),
    // The PostgreSQL pool (db/client.ts, README "When the database goes away"): during an outage a
    // request fails fast with 503 instead of hanging, and a request's writes commit before its
    // answer or not at all.
    DATABASE_POOL_MAX: positiveInt(10),
    /** Longest wait for a new connection to the server (postgres.js connect_timeout). */
    DATABASE_CONNECT_TIMEOUT_SECONDS: positiveInt(3),
    /**
     * Longest wait for a free connection when the pool is busy; a query that waited this long fails
     * (503) and is never sent. Below common client and proxy timeouts (30 s and more), so an answer
     * comes first. While the database is unreachable nothing waits at all.
     */
    DATABASE_QUEUE_TIMEOUT_SECONDS: positiveInt(20),
    /** PostgreSQL's statement_timeout for the app's connections (0: none). */
    DATABASE_STATEMENT_TIMEOUT_SECONDS: secondsOrOff(10),
    /**
     * PostgreSQL's idle_in_transaction_session_timeout: an open transaction nobody drives is rolled back
     * (0: never). Above the 15 s a bank token refresh may take under its connection's row lock (lib/banking/access.ts).
     */
    DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_SECONDS: secondsOrOff(30),
    SESSION_IDLE_MINUTES: positiveInt(30),
    SESSION_ABSOLUTE_HOURS: positiveInt(12),
    SMTP_URL: z.string().min(1).optional(),
    /** "true": the SMTP server is on a private network, so production accepts a link without TLS (ASVS V12.3.1 opt-out). */
    SMTP_PRIVATE_LINK: bool,
    MAIL_FROM: z.string().min(3).default("ChargeKeep <no-reply@chargekeep.localhost>"),
    MAIL_OUTBOX_DIR: z.string().min(1).default(".data/outbox"),
    TRUST_PROXY: z.enum(["none", "vercel", "heroku"]).default("none"),
    SECURITY_CONTACT: z.string().min(3).default("mailto:security@chargekeep.example"),
    SEED_DEMO: bool,
    TLS_CERT_FILE: z.string().min(1).optional(),
    TLS_KEY_FILE: z.string().min(1).optional(),
    /** Key-encryption key for the keyring (lib/crypto). Losing it loses every encrypted value. */
    MASTER_KEY: masterKey,
    /** How often each server re-reads the keyring (Postgres), so a rotation reaches every server. */
    KEYRING_REFRESH_SECONDS: positiveInt(60),
    // Rate-limit store (lib/ratelimit, docs/rate-limits.md): Upstash REST if both of these are set,
    // else a Redis server at REDIS_URL, else in-process memory (right only for a single instance).
    UPSTASH_REDIS_REST_URL: emptyAsUnset(z.url()),
    UPSTASH_REDIS_REST_TOKEN: emptyAsUnset(z.string().min(1)),
    REDIS_URL: emptyAsUnset(z.string().regex(/^rediss?:\/\//, "must start with redis:// or rediss://")),
    /** "true": the Redis server is on a private network, so production accepts redis:// without TLS (ASVS V12.3.1 opt-out). */
    REDIS_PRIVATE_LINK: bool,
    /** Prefix of every rate-limit key, so several apps or environments can share one Redis. */
    RATE_LIMIT_PREFIX: z.string().regex(/^[A-Za-z0-9:_-]+$/, "letters, digits, ':', '_' and '-' only").default("ck:rl"),
    /** WebAuthn relying party: the registrable domain keys are bound to (default: APP_URL's host name). */
    WEBAUTHN_RP_ID: emptyAsUnset(z.string().min(1)),
    WEBAUTHN_RP_NAME: z.string().min(1).default("ChargeKeep"),
    /** Origins allowed in WebAuthn responses, comma-separated (default: APP_URL's origin). */
    WEBAUTHN_ORIGINS: emptyAsUnset(z.string().min(1)),
    /** Sensitive actions want a second factor from within this many minutes (step-up). */
    MFA_STEP_UP_MINUTES: positiveInt(5),
    /** Bearer secret for /api/cron/alerts, /api/cron/sync and /api/cron/backup (Vercel Cron, Heroku Scheduler); unset: they answer 404. */
    CRON_SECRET: emptyAsUnset(z.string().min(32, "CRON_SECRET must be at least 32 characters")),
    // Background jobs (lib/jobs, pg-boss; README "Running many instances").
    /** "off": this process only enqueues (a web dyno beside a worker dyno, a serverless host); "on": it also runs the workers. */
    JOBS_WORKERS: z.enum(["on", "off"]).default("on"),
    /** PostgreSQL schema of pg-boss's tables. */
    JOBS_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, "lower-case letters, digits and '_' only").default("pgboss"),
    /** "off": no in-process webhook delivery interval (cron only). */
    WEBHOOK_WORKER: z.enum(["on", "off"]).default("on"),
    /** How often each server checks whether the firewall rules changed (lib/firewall); a change applies within this. */
    FIREWALL_REFRESH_SECONDS: positiveInt(5),
    // Brute-force defense (lib/defense, README "Brute force"): per account, a lock after this many
    // failures in a row (waits 1, 2, 4, 8, then 15 minutes), suspension after this many in 24 hours;
    // per IP, a temporary firewall deny rule after more than this many failures in an hour.
    DEFENSE_LOCK_AFTER_FAILURES: positiveInt(5),
    DEFENSE_SUSPEND_AFTER_FAILURES: positiveInt(20),
    DEFENSE_IP_FAILURES_PER_HOUR: positiveInt(50),
    /** Multiplies every per-IP rate limit: raise it where many people share one address (an office NAT, a test suite on loopback). */
    RATE_LIMIT_IP_MULTIPLIER: positiveInt(1),
    /** The longest a request waits on the shared store (Redis, Upstash) for the proxy's per-IP count before the edge fails open. */
    RATE_LIMIT_EDGE_WAIT_MS: z.coerce.number().int().min(50).max(10_000).default(1_000),
    // Bank connections (lib/banking, lib/sync, docs/banking.md).
    /** "on": the two sandbox institutions (sandbox-bank/) are offered; never on in production unless asked. */
    SANDBOX_INSTITUTIONS: z.enum(["on", "off"]).optional(),
    /** Address the sandbox institutions' issuers run on (the README's start command starts them). */
    SANDBOX_BANK_URL_NORTHWIND: z.url().default("http://127.0.0.1:4010"),
    SANDBOX_BANK_URL_HARBOR: z.url().default("http://127.0.0.1:4011"),
    // Single sign-on and verified domains (lib/sso, README "Single sign-on").
    /** DNS servers for the domain TXT check, comma-separated host:port (default: the system's resolver). */
    DOMAIN_DNS_SERVERS: emptyAsUnset(z.string().regex(/^[\w.:\[\],-]+$/, "host:port pairs separated by commas")),
    /** The sandbox identity provider's issuer (sandbox-idp/), shown as a suggestion on the SSO page in development. */
    SANDBOX_IDP_URL: z.url().default("http://127.0.0.1:4020"),
    /** Scheduled sync: each active connection at most this often. */
    BANK_SYNC_INTERVAL_MINUTES: positiveInt(60),
    /** "off": no in-process sync scheduler (use /api/cron/sync from a scheduler). */
    BANK_SYNC_SCHEDULER: z.enum(["on", "off"]).default("on"),
    /** Each incremental sync re-reads this many days back, to catch pending→posted and removals. */
    BANK_SYNC_WINDOW_DAYS: positiveInt(14),
    // Storage shared by backups and SFTP (lib/storage): S3-compatible object storage for s3:// locations.
    S3_ENDPOINT: emptyAsUnset(z.url()),
    /** "true": the S3-compatible endpoint is on a private network, so production accepts http:// (ASVS V12.3.1 opt-out). */
    S3_PRIVATE_LINK: bool,
    S3_REGION: z.string().min(1).default("us-east-1"),
    S3_ACCESS_KEY_ID: emptyAsUnset(z.string().min(1)),
    S3_SECRET_ACCESS_KEY: emptyAsUnset(z.string().min(1)),
    /** MinIO and most self-hosted S3 gateways want path-style addressing. */
    S3_FORCE_PATH_STYLE: bool,
    /** Azure Blob Storage for azblob:// locations (backups, SFTP): an account-key or SAS connection string. */
    AZURE_STORAGE_CONNECTION_STRING: emptyAsUnset(z.string().min(1)),
    // Backups (lib/backup, README "Backups").
    /** Comma-separated locations, each written in full: directories ("file:" optional), s3://bucket/prefix and/or azblob://container/prefix. */
    BACKUP_TARGETS: z.string().min(1).default(".data/backups/region-a,.data/backups/region-b"),
    /** Seconds between audit anchors (lib/audit: signed chain heads written to the backup targets and the SIEM stream) when something changed (the pg-boss job audit-anchor, rounded up to whole minutes); 0 = none scheduled. */
    AUDIT_ANCHOR_INTERVAL_SECONDS: z.coerce.number().int().min(0).default(60),
    /**
     * Days each backup copy is immutable at stores that can enforce it (S3 Object Lock, Azure
     * immutability policy; not directories): 0 is off. Prune never deletes a backup younger than this.
     */
    BACKUP_IMMUTABLE_DAYS: secondsOrOff(0),
    BACKUP_KEEP_DAILY: positiveInt(7),
    BACKUP_KEEP_WEEKLY: positiveInt(4),
    BACKUP_KEEP_MONTHLY: positiveInt(6),
    // SFTP (lib/sftp, sftp-server/, README "File transfer").
    /** "off": the README's start command does not start the SFTP server beside the app. */
    SFTP_SERVER: z.enum(["on", "off"]).default("on"),
    SFTP_HOST: z.string().min(1).default("127.0.0.1"),
    SFTP_PORT: positiveInt(2222),
    /** Where encrypted file bytes live: a directory, s3://bucket/prefix or azblob://container/prefix. */
    SFTP_STORAGE: z.string().min(1).default(".data/sftp"),
    SFTP_QUOTA_BYTES: positiveInt(5 * 1024 ** 3),
    SFTP_MAX_FILE_BYTES: positiveInt(2 * 1024 ** 3),
  })
  .superRefine((v, ctx) => {
    if (v.DATABASE_SSL_CA_FILE && v.DATABASE_SSL && v.DATABASE_SSL !== "verify-full") {
      ctx.addIssue({ code: "custom", path: ["DATABASE_SSL_CA_FILE"], message: `needs DATABASE_SSL=verify-full (or unset): "${v.DATABASE_SSL}" would not check the certificate against it` });
    }
    if (v.NODE_ENV === "production" && !v.DATABASE_URL && process.env.ALLOW_PGLITE_IN_PRODUCTION !== "1") {
      // PGlite is single-process; a production deploy must point at Postgres (tests opt in explicitly).
      ctx.addIssue({ code: "custom", path: ["DATABASE_URL"], message: "is required in production" });
    }
    if (v.NODE_ENV === "production" && !v.MASTER_KEY) {
      ctx.addIssue({
        code: "custom",
        path: ["MASTER_KEY"],
        message:
          "is required in production: it unlocks the keys that encrypt stored secrets. Generate it once with " +
          "`openssl rand -base64 32`, keep it in your secret store, and set the same value on every server",
      });
    }
    if (Boolean(v.UPSTASH_REDIS_REST_URL) !== Boolean(v.UPSTASH_REDIS_REST_TOKEN)) {
      ctx.addIssue({ code: "custom", path: ["UPSTASH_REDIS_REST_TOKEN"], message: "UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN go together" });
    }
    if (v.NODE_ENV === "production") requireEncryptedLinks(v, ctx);
    if (Boolean(v.TLS_CERT_FILE) !== Boolean(v.TLS_KEY_FILE)) {
      ctx.addIssue({ code: "custom", path: ["TLS_KEY_FILE"], message: "TLS_CERT_FILE and TLS_KEY_FILE go together" });
    }
  });

export type Env = z.infer<typeof envSchema>;

/** A host on this machine: traffic to it never crosses a network, so it needs no TLS. */
function isLoopbackUrl(raw: string): boolean {
  try {
    const host = new URL(raw).hostname.replace(/^\[|\]$/g, "");
    return host === "localhost" || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host);
  } catch {
    return false;
  }
}

/** nodemailer's URL: smtps:// is TLS from the start; smtp:// only with ?requireTLS=true (STARTTLS or fail). */
function smtpRequiresTls(raw: string): boolean {
  try {
    const url = new URL(raw);
    if (url.searchParams.get("ignoreTLS") === "true") return false;
    return url.protocol === "smtps:" || (url.protocol === "smtp:" && url.searchParams.get("requireTLS") === "true");
  } catch {
    return false;
  }
}

/**
 * ASVS V12.3.1: in production, the rate-limit store, the mail server and S3-compatible storage are
 * reached over TLS (the database is checked in db/client.ts). A plain link is accepted to this
 * machine itself, or where the operator states the link is private (REDIS_PRIVATE_LINK,
 * SMTP_PRIVATE_LINK, S3_PRIVATE_LINK).
 */
function requireEncryptedLinks(
  v: { REDIS_URL?: string; REDIS_PRIVATE_LINK: boolean; UPSTASH_REDIS_REST_URL?: string; SMTP_URL?: string; SMTP_PRIVATE_LINK: boolean; S3_ENDPOINT?: string; S3_PRIVATE_LINK: boolean },
  ctx: z.RefinementCtx,
): void {
  if (v.REDIS_URL?.startsWith("redis://") && !v.REDIS_PRIVATE_LINK && !isLoopbackUrl(v.REDIS_URL)) {
    ctx.addIssue({
      code: "custom",
      path: ["REDIS_URL"],
      message: "must use TLS in production: rediss://... (or set REDIS_PRIVATE_LINK=true if the Redis server is on a private network only this app reaches)",
    });
  }
  if (v.UPSTASH_REDIS_REST_URL && !v.UPSTASH_REDIS_REST_URL.startsWith("https://")) {
    ctx.addIssue({ code: "custom", path: ["UPSTASH_REDIS_REST_URL"], message: "must be an https:// URL in production" });
  }
  if (v.S3_ENDPOINT?.startsWith("http://") && !v.S3_PRIVATE_LINK && !isLoopbackUrl(v.S3_ENDPOINT)) {
    ctx.addIssue({ code: "custom", path: ["S3_ENDPOINT"], message: "must be an https:// URL in production (or set S3_PRIVATE_LINK=true if the storage is on a private network)" });
  }
  if (v.SMTP_URL && !v.SMTP_PRIVATE_LINK && !smtpRequiresTls(v.SMTP_URL) && !isLoopbackUrl(v.SMTP_URL)) {
    ctx.addIssue({
      code: "custom",
      path: ["SMTP_URL"],
      message:
        "must use TLS in production: smtps://...:465, or smtp://...:587?requireTLS=true for STARTTLS (or set SMTP_PRIVATE_LINK=true if the mail server is on a private network)",
    });
  }
}

let cached: Env | undefined;

/** Parsed configuration; throws a readable message naming every bad variable. */
export function env(): Env {
  if (!cached) cached = parseEnv(process.env);
  return cached;
}

export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = envSchema.safeParse(source);
  const issues = result.success ? [] : result.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
  // Checked on the raw source: the schema's default would hide that it is missing. In production that
  // default (http://localhost:3000) makes every form post fail its origin check, so refuse instead.
  if ((source.NODE_ENV ?? "") === "production" && !source.APP_URL) {
    issues.unshift(
      "  APP_URL: is required in production: the public origin people reach the app at, e.g. https://chargekeep.example.com " +
        "(e-mail links, the CSRF origin check and cookies depend on it)",
    );
  }
  if (issues.length || !result.success) throw new Error(`ChargeKeep configuration is invalid:\n${issues.join("\n")}`);
  return result.data;
}

/** Tests change variables between cases; production never calls this. */
export function resetEnvCache(): void {
  cached = undefined;
}

export function isProduction(): boolean {
  return env().NODE_ENV === "production";
}

export function isHttps(): boolean {
  return env().APP_URL.startsWith("https://");
}
