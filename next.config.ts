import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  output: "standalone",
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
