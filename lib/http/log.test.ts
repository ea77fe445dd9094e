import { describe, expect, it } from "vitest";
import { loggableError } from "./log";

describe("error logging", () => {
  it("V16.2.5 V14.2.4 drops database row values (detail, query params) from logged errors", () => {
    const pg = Object.assign(new Error('new row for relation "contact_messages" violates check constraint'), {
      code: "23514",
      detail: "Failing row contains (secret-plaintext@example.com, ...)",
    });
    const drizzle = Object.assign(new Error("Failed query: insert into x values ($1)\nparams: secret-plaintext@example.com"), {
      name: "DrizzleQueryError",
      cause: pg,
    });
    const logged = JSON.stringify([loggableError(pg), loggableError(drizzle)]);
    expect(logged).not.toContain("secret-plaintext");
    expect(loggableError(drizzle)).toMatchObject({ name: "DrizzleQueryError", code: "23514" });
  });
});
