import { readFile } from "node:fs/promises";
import { expect, test } from "./fixtures";
import { stepUpFromPrompt } from "./support/step-up";

test.describe("audit log", () => {
  // Sign-up, sign-in and an authenticator app through the real forms (argon2 included).
  test.describe.configure({ timeout: 90_000 });

  test("V16.2.1 V16.3.2 an owner filters the log, opens an event, exports it as CSV (after a fresh second factor), and the export is itself in the log", async ({
    freshUser,
    signedInWithTotp,
  }) => {
    const { page, secret } = await signedInWithTotp(freshUser);

    await page.goto("/admin/audit");
    await expect(page.getByRole("heading", { name: "Audit log" })).toBeVisible();
    const rows = page.getByTestId("audit-row");
    await expect(rows.filter({ hasText: "mfa.totp_enrolled" })).toHaveCount(1);

    // What: one action from the grouped catalogue; the filter lives in the URL.
    const filters = page.getByRole("search", { name: "Filter the audit log" });
    await filters.getByLabel("What").selectOption("mfa.totp_enrolled");
    await filters.getByRole("button", { name: "Apply filters" }).click();
    await expect(page).toHaveURL(/action=mfa\.totp_enrolled/);
    await expect(rows).toHaveCount(1);
    await expect(rows.first()).toContainText(freshUser.email.toLowerCase());

    // Result: nothing was denied yet.
    await filters.getByLabel("What").selectOption("");
    await filters.getByLabel("Result").selectOption("denied");
    await filters.getByRole("button", { name: "Apply filters" }).click();
    await expect(page.getByText("No events match these filters.")).toBeVisible();

    // A bad IP is explained next to the field, not a crash.
    await filters.getByLabel("IP address or range").fill("10.0.0.0/99");
    await filters.getByRole("button", { name: "Apply filters" }).click();
    await expect(page.getByText("Enter an IP address (203.0.113.7) or a range (203.0.113.0/24).").first()).toBeVisible();

    // An edited page link says so and offers the way back.
    await page.goto("/admin/audit?cursor=not-a-real-cursor");
    await expect(page.getByRole("alert").filter({ hasText: "That page link is not valid." })).toBeVisible();

    // Event detail, with its place in the hash chain.
    await page.goto("/admin/audit?action=mfa.totp_enrolled");
    await rows.first().getByRole("link").click();
    await expect(page.getByRole("heading", { name: "Turned on an authenticator app" })).toBeVisible();
    await expect(page.getByTestId("audit-event")).toContainText(freshUser.email.toLowerCase());
    await expect(page.getByTestId("audit-event")).toContainText(/[0-9a-f]{64}/);

    // Export: a recent second factor is required; answer the prompt if the app asks for one.
    await page.goto("/admin/audit?action=mfa.");
    const exportCsv = page.getByRole("button", { name: "Export CSV" });
    let downloading = page.waitForEvent("download");
    await exportCsv.click();
    const verify = page.getByRole("link", { name: "Verify now" });
    const first = await Promise.race([downloading.then(() => "download" as const), verify.waitFor().then(() => "verify" as const)]);
    if (first === "verify") {
      await stepUpFromPrompt(page, secret);
      downloading = page.waitForEvent("download");
      await exportCsv.click();
    }
    const download = await downloading;
    expect(download.suggestedFilename()).toMatch(/^audit-log-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = await readFile((await download.path())!, "utf8");
    const [header, ...lines] = csv.trimEnd().split("\r\n");
    expect(header).toMatch(/^time_utc,seq,id,actor_user_id,actor_email/);
    expect(lines.some((l) => l.includes("mfa.totp_enrolled"))).toBe(true);
    expect(lines.every((l) => /,mfa\./.test(l))).toBe(true); // the filter on screen applied

    await page.goto("/admin/audit?action=audit.exported");
    await expect(rows.first()).toContainText("Exported the audit log");
  });

  test("V16.2.1 everyone sees their own recent activity: sign-ins, devices and security events", async ({ freshUser, signedInWithTotp }) => {
    const { page } = await signedInWithTotp(freshUser);
    await page.goto("/settings/activity");
    await expect(page.getByRole("heading", { name: "Your activity" })).toBeVisible();
    await expect(page.getByRole("heading", { name: "Devices and addresses" })).toBeVisible();
    await expect(page.getByTestId("activity-event").filter({ hasText: "Turned on an authenticator app" })).toHaveCount(1);
  });
});
