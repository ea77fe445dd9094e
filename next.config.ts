import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  output: "standalone",
  // Separate build folders let the e2e suite and the benchmark build side by side.
  distDir: process.env.NEXT_DIST_DIR ?? ".next",
  poweredByHeader: false,
  reactStrictMode: true,
  // Native and wasm packages must stay outside the server bundle (see STACK-NOTES).
  serverExternalPackages: ["@electric-sql/pglite", "@node-rs/argon2", "postgres", "nodemailer"],
  experimental: {
    // Server actions are the app's form posts: cap their bodies and pin the allowed origin.
    serverActions: { bodySizeLimit: "256kb" },
  },
};

export default nextConfig;
