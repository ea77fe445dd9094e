import { describe, expect, it } from "vitest";
import { z } from "zod";
import { formAction } from "./action";
import { NUL_MESSAGE } from "@/lib/http/boundary-text";

const form = (values: Record<string, string>) => {
  const f = new FormData();
  for (const [k, v] of Object.entries(values)) f.set(k, v);
  return f;
};

describe("formAction(): what every form refuses before its schema", () => {
  let ran = 0;
  const action = formAction({ auth: false, schema: z.object({ name: z.string(), note: z.string().optional() }) }, async () => {
    ran++;
    return { ok: true };
  });

  it("V2.2.1 a NUL or a lone surrogate in any field comes back next to that field, and the handler never runs", async () => {
    const before = ran;
    expect(await action(undefined, form({ name: "Ann\0" }))).toEqual({ ok: false, message: "Some fields need attention.", fieldErrors: { name: NUL_MESSAGE } });
    // Even a field the schema does not know: nothing with such text goes further.
    expect(await action(undefined, form({ name: "Ann", extra: "x\0" }))).toMatchObject({ fieldErrors: { extra: NUL_MESSAGE } });
    // FormData itself turns a lone surrogate into U+FFFD (its values are USVStrings): nothing left to refuse.
    expect(form({ name: "x\uD800" }).get("name")).toBe("x\uFFFD");
    expect(ran).toBe(before);
    expect(await action(undefined, form({ name: "Ann" }))).toEqual({ ok: true });
  });

  it("V15.3.5 V16.5.3 a hand-made call without form data gets a sentence, not an exception", async () => {
    for (const bogus of [undefined, "text", 42, { name: "Ann" }, ["a"]]) {
      expect(await action(undefined, bogus as unknown as FormData), String(bogus)).toEqual({ ok: false, message: "This form could not be read. Reload the page and try again." });
    }
  });
});
