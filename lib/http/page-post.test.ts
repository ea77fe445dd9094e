import { describe, expect, it } from "vitest";
import nextConfig from "@/next.config";
import { MAX_ACTION_BODY_BYTES, pagePostBodyFault, pagePostHeaderFault } from "./page-post";

const ACTION_ID = "7f8cffe9d301b9851bc73250c980e137ae74dfabab";
const BOUNDARY = "----WebKitFormBoundaryRY3W2szmBETBxZM7";

function multipart(fields: [string, string][], boundary = BOUNDARY): Buffer {
  return Buffer.from(fields.map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`).join("") + `--${boundary}--\r\n`);
}

const headers = (extra: Record<string, string> = {}) => new Headers({ "content-type": `multipart/form-data; boundary=${BOUNDARY}`, ...extra });
const fetchAction = headers({ "next-action": ACTION_ID });

/** What the browser sends for a formAction() form (captured from Chromium): the reply's root is [previous state, "$K1"]. */
const browserFetchAction = (root: string, fields: [string, string][] = [["_1_email", "a@example.com"]]) =>
  multipart([["_1_$ACTION_REF_1", ""], ["_1_$ACTION_1:0", JSON.stringify({ id: ACTION_ID, bound: "$@1" })], ["_1_$ACTION_1:1", '["$undefined"]'], ...fields, ["0", root]]);

/** The same form posted before the page's JavaScript loaded. */
const browserFormPost = (meta = JSON.stringify({ id: ACTION_ID, bound: "$@1" }), bound = '["$undefined"]') =>
  multipart([["$ACTION_REF_1", ""], ["$ACTION_1:0", meta], ["$ACTION_1:1", bound], ["$ACTION_KEY", "k2"], ["email", "a@example.com"]]);

describe("page POSTs the proxy lets through to Next's server-action machinery", () => {
  it("V4.3.1 the limit is Next's own serverActions.bodySizeLimit", () => {
    expect(nextConfig.experimental?.serverActions?.bodySizeLimit).toBe(`${MAX_ACTION_BODY_BYTES / 1024}kb`);
  });

  it("V2.2.1 takes the browser's own forms: fetch actions (first and later submits) and posts without JavaScript", async () => {
    expect(await pagePostBodyFault(fetchAction, browserFetchAction('["$undefined","$K1"]'))).toBeNull();
    const later = JSON.stringify([{ ok: false, message: "That e-mail and password do not match.", values: { email: "a@example.com", note: "$$5 off" } }, "$K1"]);
    expect(await pagePostBodyFault(fetchAction, browserFetchAction(later))).toBeNull();
    expect(await pagePostBodyFault(headers(), browserFormPost())).toBeNull();
    expect(await pagePostBodyFault(headers(), multipart([[`$ACTION_ID_${ACTION_ID}`, ""], ["email", "a@example.com"]]))).toBeNull();
  });

  it("V2.2.1 V16.5.3 refuses what is not multipart, or declares more than the limit, from the headers alone", () => {
    for (const type of ["application/x-www-form-urlencoded", "application/json", "text/plain;charset=UTF-8", "multipart/form-data", ""]) {
      expect(pagePostHeaderFault(new Headers(type ? { "content-type": type } : {})), type).toMatchObject({ status: 415 });
    }
    expect(pagePostHeaderFault(headers({ "content-length": String(MAX_ACTION_BODY_BYTES + 1) }))).toMatchObject({ status: 413, message: expect.stringMatching(/larger than 256 KB/) });
    expect(pagePostHeaderFault(headers({ "content-length": "1000" }))).toBeNull();
  });

  it("V2.2.1 refuses bytes that are not UTF-8 text, a NUL, a broken multipart body, and file parts", async () => {
    const bad = [
      Buffer.concat([browserFetchAction('["$undefined","$K1"]').subarray(0, 40), Buffer.from([0xff]), browserFetchAction('["$undefined","$K1"]').subarray(40)]),
      browserFetchAction('["$undefined","$K1"]', [["_1_password", "a\0b"]]),
      Buffer.from("garbage\r\n--nope"),
      Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="0"\r\n\r\n["$undefined"]`), // no closing boundary
      Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="f"; filename="a.txt"\r\nContent-Type: text/plain\r\n\r\nhi\r\n--${BOUNDARY}--\r\n`),
    ];
    for (const body of bad) expect(await pagePostBodyFault(fetchAction, body), body.toString("latin1").slice(0, 60)).toMatchObject({ status: 400, message: expect.stringMatching(/\.$/) });
  });

  it("V1.5.2 refuses a React reply the decoder would fail on: not JSON, not an argument list, or references it cannot resolve", async () => {
    const roots = ["garbage", "{}", "123", '"x"', "[", '["$1","$K1"]', '["$Q1","$K1"]', '["$W1"]', '["$h1"]', '["$B1"]', '["$n1"]', '["$D1"]', '["$i1"]', '["$S1"]', '["$A1"]', '["$F1"]', '["$Z"]', '["$@5"]', '["$T"]', '["a\\u0000"]', JSON.stringify(Array(1001).fill(0))];
    for (const root of roots) expect(await pagePostBodyFault(fetchAction, browserFetchAction(root)), root.slice(0, 40)).toMatchObject({ status: 400 });
    // No root at all, and a chunk that points back at itself (a cycle React would wait on forever).
    expect(await pagePostBodyFault(fetchAction, multipart([["1", "[]"]]))).toMatchObject({ status: 400 });
    expect(await pagePostBodyFault(fetchAction, multipart([["0", '["$@1"]'], ["1", '["$@1"]']]))).toMatchObject({ status: 400 });
    expect(await pagePostBodyFault(fetchAction, multipart([["0", '["$@1"]'], ["1", '["$undefined"]']]))).toBeNull();
  });

  it("V1.5.2 refuses a post without JavaScript whose action fields are missing or malformed", async () => {
    expect(await pagePostBodyFault(headers(), multipart([["email", "a@example.com"]]))).toMatchObject({ status: 400 });
    expect(await pagePostBodyFault(headers(), browserFormPost("{not json"))).toMatchObject({ status: 400 });
    expect(await pagePostBodyFault(headers(), browserFormPost(JSON.stringify({ id: 5, bound: null })))).toMatchObject({ status: 400 });
    expect(await pagePostBodyFault(headers(), browserFormPost(JSON.stringify({ id: ACTION_ID, bound: "$@9" })))).toMatchObject({ status: 400 });
    expect(await pagePostBodyFault(headers(), browserFormPost(undefined, '["$Q1"]'))).toMatchObject({ status: 400 });
  });
});
