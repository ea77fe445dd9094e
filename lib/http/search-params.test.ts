import { describe, expect, it } from "vitest";
import { parseReportFilters } from "@/lib/reports/filters";
import { memberSearchSchema } from "@/lib/rbac/members";
import { NUL_MESSAGE, SURROGATE_MESSAGE } from "./boundary-text";
import { parseSearchParams } from "./search-params";

describe("page query strings through zod", () => {
  it("V2.2.1 the member search takes text, counts a repeated parameter once, and falls back to page 1", () => {
    expect(parseSearchParams(memberSearchSchema, { q: [" Ann ", "Bob"], page: "2" })).toEqual({ ok: true, data: { q: "Ann", page: 2 } });
    expect(parseSearchParams(memberSearchSchema, { page: "-3" })).toEqual({ ok: true, data: { q: "", page: 1 } });
    expect(parseSearchParams(memberSearchSchema, { page: "abc" })).toEqual({ ok: true, data: { q: "", page: 1 } });
  });

  it("V2.2.1 a NUL, a lone surrogate or an overlong search is a sentence for the search box, never a database error", () => {
    expect(parseSearchParams(memberSearchSchema, { q: "a\0" })).toEqual({ ok: false, fieldErrors: { q: NUL_MESSAGE } });
    expect(parseSearchParams(memberSearchSchema, { q: "\uD800" })).toEqual({ ok: false, fieldErrors: { q: SURROGATE_MESSAGE } });
    expect(parseSearchParams(memberSearchSchema, { q: "x".repeat(101) })).toEqual({ ok: false, fieldErrors: { q: "Search for at most 100 characters." } });
  });

  it("V2.2.1 the report filters (transactions, dashboard, CSV export) refuse such a search the same way", () => {
    expect(parseReportFilters({ q: "rent\0" })).toEqual({ ok: false, fieldErrors: { q: NUL_MESSAGE } });
    expect(parseReportFilters(new URLSearchParams("q=rent%00"))).toEqual({ ok: false, fieldErrors: { q: NUL_MESSAGE } });
    expect(parseReportFilters({ q: "rent" })).toMatchObject({ ok: true, filters: { q: "rent" } });
  });
});
