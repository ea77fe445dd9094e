import { expect, test } from "./fixtures";
import { ContactPage } from "./pages/app-pages";

test.describe("contact form", () => {
  test("V2.2.1 V2.2.2 a message is accepted with a thank-you; an empty message gets an error next to the field", async ({ page }) => {
    const contactPage = new ContactPage(page);
    await contactPage.goto();

    await contactPage.submit({ name: "Casey Visitor", email: "casey@example.test", message: "" });
    const message = page.getByLabel("Message");
    await expect(page.locator("#field-message-error")).toHaveText("Write at least 10 characters.");
    await expect(message).toHaveAttribute("aria-invalid", "true");
    await expect(message).toHaveAccessibleDescription("Write at least 10 characters.");
    // The summary is a polite status; the field error itself is the alert (announced once).
    await expect(page.locator("form").getByRole("status").first()).toHaveText("Some fields need attention.");
    // What was typed is kept.
    await expect(page.getByLabel("Your name")).toHaveValue("Casey Visitor");
    await expect(page.getByLabel("E-mail")).toHaveValue("casey@example.test");

    await message.fill("Could you tell me more about the bank connections?");
    await page.getByRole("button", { name: "Send message" }).click();
    await expect(page.getByRole("main").getByRole("status")).toHaveText("Thank you. Your message reached the ChargeKeep team.");
    await expect(page.locator("#field-message-error")).toHaveCount(0);
  });
});
