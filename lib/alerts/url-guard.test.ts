import { describe, expect, it } from "vitest";
import { assertWebhookUrlAllowed, webhookGuardProduction } from "./url-guard";

describe("which webhooks get the production guard", () => {
  it("V1.3.6 V13.2.4 every deployed production app does: an https APP_URL, or any non-loopback host", async () => {
    expect(webhookGuardProduction({ NODE_ENV: "production", APP_URL: "https://app.chargekeep.example" })).toBe(true);
    expect(webhookGuardProduction({ NODE_ENV: "production", APP_URL: "https://localhost:3000" })).toBe(true);
    expect(webhookGuardProduction({ NODE_ENV: "production", APP_URL: "http://chargekeep.example" })).toBe(true);
    expect(webhookGuardProduction({ NODE_ENV: "production", APP_URL: "http://10.0.0.5:3000" })).toBe(true);
    const production = webhookGuardProduction({ NODE_ENV: "production", APP_URL: "https://app.chargekeep.example" });
    await expect(assertWebhookUrlAllowed("http://localhost:9000/hook", { production })).rejects.toThrow(/https/);
  });

  it("V13.2.4 a production build on a loopback http:// APP_URL (a local run) is treated as development, like bank issuers", () => {
    expect(webhookGuardProduction({ NODE_ENV: "production", APP_URL: "http://localhost:3701" })).toBe(false);
    expect(webhookGuardProduction({ NODE_ENV: "production", APP_URL: "http://127.0.0.1:3000" })).toBe(false);
    expect(webhookGuardProduction({ NODE_ENV: "development", APP_URL: "https://app.chargekeep.example" })).toBe(false);
  });
});
