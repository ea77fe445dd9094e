import { describe, expect, it } from "vitest";
import { z } from "zod";
import { assertStorableText, boundaryText, decodeUtf8, findTextFault, NUL_MESSAGE, storableText, SURROGATE_MESSAGE, textFault, urlFault } from "./boundary-text";

describe("the boundary text rule", () => {
  it("V2.2.1 refuses a NUL and a lone surrogate, and takes any other text (newlines, tabs, emoji, accents)", () => {
    expect(textFault("a\0b")).toBe(NUL_MESSAGE);
    expect(textFault("a\uD800b")).toBe(SURROGATE_MESSAGE);
    expect(textFault("\uDC00")).toBe(SURROGATE_MESSAGE);
    expect(textFault("x\uD83D")).toBe(SURROGATE_MESSAGE);
    for (const ok of ["", "Zoë Ångström", "line\nline\ttab\r\n", "😀 🇪🇺", "%00", "\\u0000"]) expect(textFault(ok), ok).toBeNull();
  });

  it("V2.2.1 finds the first bad string anywhere in a value, keys included, and names its path", () => {
    expect(findTextFault({ a: "ok", b: [1, { c: "x\0" }] })).toEqual({ path: "b.1.c", message: NUL_MESSAGE });
    expect(findTextFault({ ["k\uD800"]: "v" })).toEqual({ path: "", message: SURROGATE_MESSAGE });
    expect(findTextFault("\0")).toEqual({ path: "", message: NUL_MESSAGE });
    expect(findTextFault({ a: ["fine", 1, null, true] })).toBeNull();
  });

  it("V2.2.1 refuses hostile nesting without recursion (no stack overflow)", () => {
    let deep: unknown = "x";
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(findTextFault(deep)).toMatchObject({ message: "This value is nested too deeply." });
  });

  it("V1.1.1 decodes UTF-8 strictly: stray bytes, encoded surrogates and overlong forms are not text", () => {
    expect(decodeUtf8(Buffer.from("Zoë 😀"))).toBe("Zoë 😀");
    for (const bad of [[0xff], [0xc3, 0x28], [0xed, 0xa0, 0x80], [0xc0, 0xaf]]) expect(decodeUtf8(Uint8Array.from(bad)), String(bad)).toBeNull();
  });

  it("V1.1.1 V2.2.1 judges a URL by its percent-decoded bytes, decoded once", () => {
    for (const bad of ["/admin/members?q=a%00", "/x?q=%C3%28", "/x?q=%FF", "/x?q=%ED%A0%80", "/admin/members/%FF", "/x?q=%c0%af", "/admin/members/100%", "/a%zz/b"]) {
      expect(urlFault(bad), bad).not.toBeNull();
    }
    // What the proxy sees once Next has re-encoded a query whose bytes were not UTF-8: U+FFFD.
    expect(urlFault("/x?q=%EF%BF%BD%28")).toMatch(/not valid UTF-8/);
    expect(urlFault("/x?q=a%00")).toMatch(/NUL/);
    expect(urlFault("/x?q=%FF")).toMatch(/not valid UTF-8/);
    // A literal "%" (not followed by two hex digits) is just a "%"; "%2500" is the text "%00", not a NUL.
    for (const ok of ["/", "/transactions?q=100%", "/x?q=%2500", "/x?q=Zo%C3%AB+%F0%9F%98%80", "/x?a=1&b=%20", "/x?q=%"]) expect(urlFault(ok), ok).toBeNull();
  });

  it("V2.2.1 boundaryText() puts the rule's sentence on the field, before trim and length checks", () => {
    const schema = z.object({ name: boundaryText({ error: "Enter your name." }).trim().min(1, "Enter your name.").max(5, "Too long.") });
    expect(schema.parse({ name: "  Ann " })).toEqual({ name: "Ann" });
    expect(schema.safeParse({ name: "a\0" }).error?.issues[0]).toMatchObject({ path: ["name"], message: NUL_MESSAGE });
    expect(schema.safeParse({ name: "\uD800xxxxxxxx" }).error?.issues[0]).toMatchObject({ path: ["name"], message: SURROGATE_MESSAGE });
    expect(schema.safeParse({ name: 3 }).error?.issues[0]?.message).toBe("Enter your name.");
  });

  it("V1.2.4 the last guard before SQL throws a 400 with the sentence, never lets a NUL through", () => {
    expect(assertStorableText("fine", "q")).toBe("fine");
    expect(() => assertStorableText("a\0", "q")).toThrow(expect.objectContaining({ status: 400, message: NUL_MESSAGE, fieldErrors: { q: NUL_MESSAGE } }));
  });

  it("V2.2.1 text we can only take or leave (a bank's descriptions) is cleaned: NULs dropped, lone surrogates replaced", () => {
    expect(storableText("Caf\0e\uD800 😀")).toBe("Cafe\uFFFD 😀");
    expect(textFault(storableText("\uDC00a\0\uD83D"))).toBeNull();
  });
});

