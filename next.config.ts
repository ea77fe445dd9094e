import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // The Dockerfile builds with NEXT_OUTPUT=standalone; `npm start` uses our own server (scripts/server.ts).
  output: process.env.NEXT_OUTPUT === "standalone" ? "standalone" : undefined,
  // Separate build folders let the e2e suite and the benchmark build side by side.
  distDir: process.env.NEXT_DIST_DIR ?? ".next",
  poweredByHeader: false,
  reactStrictMode: true,
  // Native and wasm packages must stay outside the server bundle (see STACK-NOTES).
  serverExternalPackages: ["@electric-sql/pglite", "@node-rs/argon2", "postgres", "nodemailer", "ssh2", "pg-boss", "ioredis"],
  // The app uses no next/image: the optimizer stays off, so /_next/image answers 404 instead of
  // fetching whatever `url` names (it answered 500 for /_next/image?url=/etc/passwd).
  images: { unoptimized: true },
  experimental: {
    // forbidden(): pages answer 403 with app/forbidden.tsx when a permission is missing.
    authInterrupts: true,
    // Server actions are the app's form posts: cap their bodies. proxy.ts refuses a larger form with
    // a readable 413 first (lib/http/page-post.ts MAX_ACTION_BODY_BYTES; Next's own refusal is a 500).
    serverActions: { bodySizeLimit: "256kb" },
    // Next copies every request body for proxy.ts: no more than the proxy's own cap
    // (MAX_REQUEST_BODY_BYTES), instead of 10 MB per request.
    proxyClientMaxBodySize: "1mb",
  },
};

export default nextConfig;
