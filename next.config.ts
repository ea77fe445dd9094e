import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // The Dockerfile builds with NEXT_OUTPUT=standalone; `npm start` uses our own server (scripts/server.ts).
  output: process.env.NEXT_OUTPUT === "standalone" ? "standalone" : undefined,
  // Separate build folders let the e2e suite and the benchmark build side by side.
  distDir: process.env.NEXT_DIST_DIR ?? ".next",
  poweredByHeader: false,
  reactStrictMode: true,
  // Native and wasm packages must stay outside the server bundle (see STACK-NOTES).
  serverExternalPackages: ["@electric-sql/pglite", "@node-rs/argon2", "postgres", "nodemailer", "ssh2"],
  experimental: {
    // forbidden(): pages answer 403 with app/forbidden.tsx when a permission is missing.
    authInterrupts: true,
    // Server actions are the app's form posts: cap their bodies and pin the allowed origin.
    serverActions: { bodySizeLimit: "256kb" },
  },
};

export default nextConfig;
