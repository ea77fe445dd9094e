import { describe, expect, it } from "vitest";
import { safeNextPath } from "./safe-redirect";

describe("post sign-in redirect", () => {
  it("V3.7.2 V1.2.2 follows only local paths (no open redirect, no javascript: URL)", () => {
    expect(safeNextPath("/settings/sessions")).toBe("/settings/sessions");
    for (const bad of ["//evil.example", "/\\evil.example", "https://evil.example", "javascript:alert(1)", "/x\r\nSet-Cookie: a=b", 42]) {
      expect(safeNextPath(bad)).toBe("/dashboard");
    }
  });
});
