import { expect, type Page } from "@playwright/test";
import { Secret, TOTP } from "otpauth";

/**
 * The authenticator app, for end-to-end tests: codes are computed from the secret the page shows,
 * exactly as a phone app would. The server refuses a 30-second step it has seen before for the
 * same user, so nextFreshCode remembers the steps it handed out (per secret, in this worker).
 */
const PERIOD_MS = 30_000;

const clean = (secret: string) => secret.replace(/\s+/g, "").toUpperCase();
const stepAt = (ms: number) => Math.floor(ms / PERIOD_MS);

function codeForStep(secret: string, step: number): string {
  return TOTP.generate({ secret: Secret.fromBase32(clean(secret)), algorithm: "SHA1", digits: 6, period: 30, timestamp: step * PERIOD_MS });
}

/** The code for now (or `stepOffset` steps away: ±1 is accepted, ±2 is not). */
export function totpCode(secret: string, stepOffset = 0): string {
  return codeForStep(secret, stepAt(Date.now()) + stepOffset);
}

const lastStep = new Map<string, number>();

/**
 * A code the server has not seen for this secret: the current step's, else the next step's (the
 * server accepts one step ahead), else it waits for the next step to begin (at most 30 s).
 */
export async function nextFreshCode(secret: string): Promise<string> {
  const key = clean(secret);
  for (;;) {
    const now = Date.now();
    const current = stepAt(now);
    const last = lastStep.get(key) ?? Number.NEGATIVE_INFINITY;
    // Near the end of a step, skip to the next one so the code is not two steps old when it arrives.
    const candidates = (now % PERIOD_MS > PERIOD_MS - 2_000 ? [current + 1] : [current, current + 1]).filter((s) => s > last);
    if (candidates.length) {
      const step = candidates[0]!;
      lastStep.set(key, step);
      return codeForStep(key, step);
    }
    await new Promise((resolve) => setTimeout(resolve, (current + 1) * PERIOD_MS - now + 100));
  }
}

/** The recovery codes the page is showing right now (after enrolment or regeneration). */
export async function recoveryCodesFrom(page: Page): Promise<string[]> {
  return (await page.getByTestId("recovery-code").allTextContents()).map((c) => c.trim());
}

/**
 * Sets up the authenticator app from /settings/security through the UI (the signed-in page must
 * belong to a user without one) and returns the secret and the recovery codes shown (none when
 * the user already had codes). The codes are dismissed with "I have saved these codes".
 */
export async function enrolTotpWithRecoveryCodes(page: Page): Promise<{ secret: string; recoveryCodes: string[] }> {
  await page.goto("/settings/security");
  await page.getByRole("button", { name: "Set up authenticator app" }).click();
  await expect(page.getByRole("img", { name: "QR code for your authenticator app" })).toBeVisible();
  const secret = clean((await page.getByTestId("totp-secret").textContent()) ?? "");
  expect(secret).toMatch(/^[A-Z2-7]{32}$/);
  await page.getByLabel("Code from your app").fill(await nextFreshCode(secret));
  await page.getByRole("button", { name: "Turn on" }).click();
  await expect(page.getByText("Authenticator app is on")).toBeVisible();
  const saved = page.getByRole("button", { name: "I have saved these codes" });
  if (!(await saved.isVisible())) return { secret, recoveryCodes: [] };
  const recoveryCodes = await recoveryCodesFrom(page);
  await saved.click();
  await expect(page.getByTestId("recovery-code")).toHaveCount(0);
  return { secret, recoveryCodes };
}

/** The shared contract: enrols and returns the secret (recovery codes dismissed). */
export async function enrolTotp(page: Page): Promise<string> {
  return (await enrolTotpWithRecoveryCodes(page)).secret;
}
