import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";
import security from "eslint-plugin-security";

const config = [
  ...nextVitals,
  ...nextTs,
  security.configs.recommended,
  {
    rules: {
      // Object lookups by typed keys are everywhere in TS; this rule flags them all without insight.
      "security/detect-object-injection": "off",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      // ASVS V1.3.2: no dynamic code execution, whatever the argument (the plugin only flags non-literal eval).
      "no-eval": "error",
      "no-implied-eval": "error",
      "no-new-func": "error",
      // ASVS V15.3.5: strict comparisons only (`== null` stays, for null-or-undefined).
      eqeqeq: ["error", "always", { null: "ignore" }],
    },
  },
  {
    // Tests, scripts and benchmarks read files at paths they build themselves.
    files: ["**/*.test.ts", "e2e/**", "tests/**", "scripts/**", "bench/**", "lib/mail/outbox.ts", "db/client.ts", "lib/tls/options.ts"],
    rules: { "security/detect-non-literal-fs-filename": "off", "security/detect-non-literal-regexp": "off" },
  },
  { ignores: [".next*/**", "node_modules/**", ".data/**", ".test-output/**", "next-env.d.ts", "sandbox-bank/node_modules/**"] },
];

export default config;
