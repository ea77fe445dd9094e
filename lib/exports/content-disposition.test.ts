import { describe, expect, it } from "vitest";
import { contentDisposition } from "./content-disposition";

describe("download file names", () => {
  it("V5.4.2 a plain name is quoted as it is", () => {
    expect(contentDisposition("transactions-2026-11-30.csv")).toBe('attachment; filename="transactions-2026-11-30.csv"');
  });

  it("V5.4.2 quotes, backslashes, semicolons and line breaks in a name cannot end the parameter or the header", () => {
    const header = contentDisposition('a"b\\c;d\r\nSet-Cookie: x=1.csv');
    expect(header).toMatch(/^attachment; filename="a_b_c_dSet-Cookie: x=1\.csv"; filename\*=UTF-8''[A-Za-z0-9%._~!-]+$/);
    expect(header).not.toMatch(/[\r\n]/);
    // The Fetch API would refuse a header value with a line break; this one is accepted whole.
    expect(new Headers({ "content-disposition": header }).get("content-disposition")).toBe(header);
  });

  it("V5.4.2 a non-ASCII name gets an ASCII fallback and its exact form in RFC 8187 encoding", () => {
    expect(contentDisposition("Überweisungen März (1).csv")).toBe(
      "attachment; filename=\"Uberweisungen Marz (1).csv\"; filename*=UTF-8''%C3%9Cberweisungen%20M%C3%A4rz%20%281%29.csv",
    );
    expect(contentDisposition("日本.csv")).toBe("attachment; filename=\".csv\"; filename*=UTF-8''%E6%97%A5%E6%9C%AC.csv");
    expect(contentDisposition("日本")).toBe("attachment; filename=\"download\"; filename*=UTF-8''%E6%97%A5%E6%9C%AC");
  });
});
