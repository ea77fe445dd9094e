# syntax=docker/dockerfile:1
#
# ChargeKeep production image: the Next.js standalone server on Node 20 (Debian bookworm, glibc).
#   docker build -t chargekeep .
#   docker run --rm -p 3000:3000 \
#     -e APP_URL=https://chargekeep.example.com -e DATABASE_URL=postgres://... \
#     -e MASTER_KEY="$(cat master.key)" -e TRUST_PROXY=heroku \
#     chargekeep
# TRUST_PROXY=heroku only behind a reverse proxy that appends the client address to X-Forwarded-For
# and sets X-Forwarded-Proto (nginx, Caddy, Traefik); never with the port open to clients directly.
# Migrations are applied at boot by instrumentation.ts (from /app/db/migrations); a failing
# configuration stops the container with every bad variable named.
# Note: `node server.js` is Next's standalone server, not scripts/server.ts: it does not terminate
# TLS and does not stamp the client address (see docs/deploy-and-bench-notes.md).

ARG NODE_IMAGE=node:20-bookworm-slim

# ---- 1. dependencies (dev dependencies included: the build needs TypeScript, Tailwind, PostCSS)
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1
COPY package.json package-lock.json ./
# npm ci's postinstall patches postgres.js (README "When the database goes away").
COPY scripts/patch-postgres.mjs scripts/
RUN npm ci --no-audit --no-fund

# ---- 2. build
FROM ${NODE_IMAGE} AS build
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1
COPY --from=deps /app/node_modules ./node_modules
COPY . .
# The default dist dir (.next) is what the runner copies; never build this image with NEXT_DIST_DIR set.
# public/ may be absent from a fresh clone (git keeps no empty directories): make sure it exists.
RUN mkdir -p public \
 && NODE_ENV=production NEXT_OUTPUT=standalone npx --no-install next build

# ---- 3. runtime: only the traced standalone output, static assets and the SQL migrations
FROM ${NODE_IMAGE} AS runner
WORKDIR /app
ENV NODE_ENV=production \
    NEXT_TELEMETRY_DISABLED=1 \
    PORT=3000 \
    HOSTNAME=0.0.0.0
# pg_dump / pg_restore for backups (/api/cron/backup): their major version must match the server's.
ARG PG_CLIENT=postgresql-client-15
RUN apt-get update && apt-get install -y --no-install-recommends ${PG_CLIENT} && rm -rf /var/lib/apt/lists/*
RUN groupadd --system --gid 1001 chargekeep \
 && useradd --system --uid 1001 --gid chargekeep --home-dir /app --shell /usr/sbin/nologin chargekeep
# Root owns the code (read-only to the app user). Writable: .next/cache (Next's own cache) and
# .data (the mail outbox when SMTP_URL is unset, and PGlite if ALLOW_PGLITE_IN_PRODUCTION is used:
# mount a volume there, e.g. -v chargekeep-data:/app/.data, or it is lost with the container).
COPY --from=build /app/.next/standalone ./
COPY --from=build /app/.next/static ./.next/static
COPY --from=build /app/public ./public
COPY --from=build /app/db/migrations ./db/migrations
RUN mkdir -p .next/cache .data \
 && chown chargekeep:chargekeep .next/cache .data
USER chargekeep
EXPOSE 3000
# SFTP (lib/sftp) runs in the same process; publish it with -e SFTP_HOST=0.0.0.0 -p 2222:2222.
EXPOSE 2222
# The image has no curl or wget: probe with Node's fetch. /api/health answers 503 when the database is unreachable.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/api/health',{signal:AbortSignal.timeout(4000)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "server.js"]
