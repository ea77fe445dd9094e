import { expect, type Locator, type Page } from "@playwright/test";

/** /admin/posture: the score, its items (each with a state word), and the history. */
export class PosturePage {
  readonly score: Locator;

  constructor(readonly page: Page) {
    this.score = page.getByTestId("posture-score");
  }

  async goto() {
    await this.page.goto("/admin/posture");
    await expect(this.page.getByRole("heading", { level: 1, name: "Security posture" })).toBeVisible();
  }

  item(key: string): Locator {
    return this.page.getByRole("list", { name: "Checked items" }).locator(`[data-key="${key}"]`);
  }

  /** The item's state as the page says it in words (OK, Warning, Failing), not by colour. */
  async expectState(key: string, word: "OK" | "Warning" | "Failing") {
    await expect(this.item(key).getByText(word, { exact: true })).toBeVisible();
  }

  async scoreValue(): Promise<number> {
    const text = (await this.score.textContent()) ?? "";
    return Number(text.match(/^\s*(\d+)/)?.[1] ?? Number.NaN);
  }
}
