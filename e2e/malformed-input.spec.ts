import { readFileSync } from "node:fs";
import { appInventory } from "../tests/inventory/app-inventory";
import { SignInPage } from "./pages/auth-pages";
import { expect, test } from "./fixtures";
import { BASE_URL } from "./support/paths";
import { hasSentence, rawRequest, readableText, type RawRequest, type RawResponse } from "./support/raw-http";

/**
 * No input may produce a 5xx. A corpus of malformed requests goes through the real production server
 * (scripts/server.ts -> proxy.ts -> Next -> the app) to every route handler and every page found in
 * app/ (tests/inventory/app-inventory.ts: a new route or page is covered without touching this file),
 * as the signed-in owner of an organization, and each must get a 4xx with a sentence a person can
 * read: an HTML page for a browser, JSON for the API, plain text where Next's client shows it.
 */

const inventory = appInventory();
const ORIGIN = { origin: BASE_URL };
const BROWSER = { ...ORIGIN, accept: "text/html,application/xhtml+xml" };

/** Query-string values that are not text: a NUL, bytes that are not UTF-8, an encoded lone surrogate. */
const BAD_QUERY_VALUES: Record<string, string> = {
  NUL: "a%00b",
  "invalid UTF-8 %C3%28": "%C3%28",
  "stray byte %FF": "%FF",
  "lone surrogate %ED%A0%80": "%ED%A0%80",
};
/** The same as path segments, plus a "%" that starts no escape. */
const BAD_SEGMENTS: Record<string, string> = { ...BAD_QUERY_VALUES, "lone %": "100%" };

type Expected = 400 | 401 | 413 | 415 | 422 | "4xx";
type Case = {
  name: string;
  expect: Expected;
  request: Omit<RawRequest, "method" | "path">;
  kind?: "text";
  /** Refused before any session is looked at: by the server (a cut-off body) or the proxy's declared-size cap. */
  beforeSession?: true;
};

const kb = (n: number) => n * 1024;
const BOUNDARY = "----CorpusBoundary7MA4YWxkTrZu0gW";
const MULTIPART = `multipart/form-data; boundary=${BOUNDARY}`;
const multipart = (fields: [string, string | Buffer][]) =>
  Buffer.concat([
    ...fields.flatMap(([k, v]) => [Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n`), Buffer.from(v), Buffer.from("\r\n")]),
    Buffer.from(`--${BOUNDARY}--\r\n`),
  ]);
const nested = (depth: number) => "[".repeat(depth) + "]".repeat(depth);

/** A page's form as the browser posts it without JavaScript ($ACTION_ fields), with extra fields. */
const formPost = (actionId: string, fields: [string, string | Buffer][]) =>
  multipart([["$ACTION_REF_1", ""], ["$ACTION_1:0", JSON.stringify({ id: actionId, bound: "$@1" })], ["$ACTION_1:1", '["$undefined"]'], ["$ACTION_KEY", "k1"], ...fields]);
/** The same form as a fetch action (what useActionState sends): the reply's root "0" is the argument list. */
const fetchAction = (fields: [string, string | Buffer][], root = '["$undefined","$K1"]') => multipart([...fields.map(([k, v]) => [`1_${k}`, v] as [string, string | Buffer]), ["0", root]]);

function pageCases(actionId: string): Case[] {
  const html = (headers: Record<string, string>) => ({ ...BROWSER, ...headers });
  const action = (id = actionId) => ({ ...ORIGIN, accept: "text/x-component", "next-action": id, "content-type": MULTIPART });
  return [
    { name: "a 300 KB field in a form", expect: 413, request: { headers: html({ "content-type": MULTIPART }), body: formPost(actionId, [["password", "x".repeat(kb(300))]]) } },
    { name: "a 900 KB form", expect: 413, request: { headers: html({ "content-type": MULTIPART }), body: formPost(actionId, [["note", "x".repeat(kb(900))]]) } },
    { name: "a 2 MB form (declared)", expect: 413, request: { headers: html({ "content-type": MULTIPART }), body: formPost(actionId, [["note", "x".repeat(kb(2048))]]) } },
    { name: "a 2 MB form, chunked with no length", expect: 413, request: { headers: html({ "content-type": MULTIPART }), body: formPost(actionId, [["note", "x".repeat(kb(2048))]]), chunked: true } },
    { name: "a 300 KB fetch action", expect: 413, kind: "text", request: { headers: action(), body: fetchAction([["password", "x".repeat(kb(300))]]) } },
    { name: "a body cut off before its Content-Length", expect: 400, kind: "text", request: { headers: html({ "content-type": MULTIPART }), body: formPost(actionId, [["email", "a@example.com"]]).subarray(0, 120), declaredLength: 5000 } },
    { name: "a urlencoded post", expect: 415, request: { headers: html({ "content-type": "application/x-www-form-urlencoded" }), body: Buffer.from("email=a%00&password=x") } },
    { name: "a JSON post", expect: 415, request: { headers: html({ "content-type": "application/json" }), body: Buffer.from('{"email":"a@example.com"}') } },
    { name: "a text/plain post", expect: 415, request: { headers: html({ "content-type": "text/plain" }), body: Buffer.from("hello") } },
    { name: "a post with no content type", expect: 415, request: { headers: html({}), body: Buffer.from("hello") } },
    { name: "multipart without a boundary", expect: 415, request: { headers: html({ "content-type": "multipart/form-data" }), body: Buffer.from("hello") } },
    { name: "multipart whose boundary never appears", expect: 400, request: { headers: html({ "content-type": MULTIPART }), body: Buffer.from("garbage\r\n--elsewhere\r\n\r\n") } },
    { name: "multipart without its closing boundary", expect: 400, request: { headers: html({ "content-type": MULTIPART }), body: formPost(actionId, []).subarray(0, -6) } },
    { name: "bytes that are not UTF-8 in a field", expect: 400, request: { headers: html({ "content-type": MULTIPART }), body: formPost(actionId, [["name", Buffer.from([0x41, 0xff, 0xc3, 0x28])]]) } },
    { name: "an encoded lone surrogate in a field", expect: 400, request: { headers: html({ "content-type": MULTIPART }), body: formPost(actionId, [["name", Buffer.from([0xed, 0xa0, 0x80])]]) } },
    { name: "a NUL in a fetch action's field", expect: 400, kind: "text", request: { headers: action(), body: fetchAction([["email", "a\0@example.com"], ["password", "p"]]) } },
    { name: "a fetch action whose Next-Action header is not an id", expect: "4xx", kind: "text", request: { headers: action("not-an-action"), body: fetchAction([["email", "a@example.com"]]) } },
    { name: "a fetch action naming an unknown action", expect: "4xx", kind: "text", request: { headers: action("7f" + "0".repeat(40)), body: fetchAction([["email", "a@example.com"]]) } },
    { name: "a fetch action whose argument list is not JSON", expect: 400, kind: "text", request: { headers: action(), body: fetchAction([], "garbage") } },
    { name: "a fetch action with a reference React cannot resolve", expect: 400, kind: "text", request: { headers: action(), body: fetchAction([], '["$Q1","$K1"]') } },
    { name: "a fetch action nested 5000 deep", expect: 400, kind: "text", request: { headers: action(), body: fetchAction([], nested(5000)) } },
    { name: "a fetch action sent as text/plain", expect: 415, kind: "text", request: { headers: { ...action(), "content-type": "text/plain;charset=UTF-8" }, body: Buffer.from('["$undefined"]') } },
    { name: "a form without JavaScript whose action field is not JSON", expect: 400, request: { headers: html({ "content-type": MULTIPART }), body: multipart([["$ACTION_REF_1", ""], ["$ACTION_1:0", "{not json"], ["email", "a@example.com"]]) } },
    { name: "a multipart post that is no form of the page", expect: 400, request: { headers: html({ "content-type": MULTIPART }), body: multipart([["email", "a@example.com"]]) } },
  ];
}

function routeCases(): Case[] {
  const json = (headers: Record<string, string> = {}) => ({ ...ORIGIN, accept: "application/json", "content-type": "application/json", ...headers });
  const big = (n: number) => Buffer.from(JSON.stringify({ email: "a@example.com", password: "x".repeat(n) }));
  return [
    { name: "a 300 KB JSON body", expect: 413, request: { headers: json(), body: big(kb(300)) } },
    { name: "a 900 KB JSON body", expect: 413, request: { headers: json(), body: big(kb(900)) } },
    { name: "a 2 MB JSON body (declared)", expect: 413, beforeSession: true, request: { headers: json(), body: big(kb(2048)) } },
    { name: "a 2 MB JSON body, chunked with no length", expect: 413, request: { headers: json(), body: big(kb(2048)), chunked: true } },
    { name: "a body cut off before its Content-Length", expect: 400, kind: "text", beforeSession: true, request: { headers: json(), body: Buffer.from('{"email":"a@exa'), declaredLength: 5000 } },
    { name: "text/plain instead of JSON", expect: 415, request: { headers: json({ "content-type": "text/plain" }), body: Buffer.from("hello") } },
    { name: "a urlencoded form instead of JSON", expect: 415, request: { headers: json({ "content-type": "application/x-www-form-urlencoded" }), body: Buffer.from("email=a%00") } },
    { name: "a malformed multipart body", expect: 415, request: { headers: json({ "content-type": MULTIPART }), body: Buffer.from("garbage") } },
    { name: "malformed JSON", expect: 400, request: { headers: json(), body: Buffer.from('{"email":') } },
    { name: "bytes that are not UTF-8 in JSON", expect: 400, request: { headers: json(), body: Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]) } },
    { name: "an encoded lone surrogate in JSON", expect: 400, request: { headers: json(), body: Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('"}')]) } },
    { name: "a JSON \\u0000 escape", expect: 422, request: { headers: json(), body: Buffer.from('{"email":"a\\u0000@example.com","password":"p\\u0000"}') } },
    { name: "a JSON lone-surrogate escape", expect: 422, request: { headers: json(), body: Buffer.from('{"email":"\\ud800@example.com","password":"p"}') } },
    // 1,000 bytes: under every route's own size limit, so the depth is what is refused.
    { name: "JSON nested 500 deep", expect: 422, request: { headers: json(), body: Buffer.from(nested(500)) } },
  ];
}

/** The methods a route file exports (GET, POST, ...). */
function methodsOf(file: string): string[] {
  const source = readFileSync(file, "utf8");
  return [...source.matchAll(/export\s+(?:const|async function|function)\s+(GET|POST|PUT|PATCH|DELETE)\b/g)].map((m) => m[1]!);
}

/**
 * Routes for a browser between password and second factor (route({ auth: "mfa_pending" })): the
 * owner's full session is refused there (401) before the body is read, as the wrapper's order says
 * (session, then body). Every other route reads the corpus' bodies with the owner's session.
 */
const takesOnlyPendingSessions = (file: string) => /auth:\s*"mfa_pending"/.test(readFileSync(file, "utf8"));

/**
 * SCIM routes (scimRoute in lib/scim) authenticate by bearer token, not by the session cookie: the
 * corpus' cookie is no token, so they answer 401 in the SCIM error schema before reading a body.
 */
const takesOnlyBearerTokens = (file: string) => /\bscimRoute\(/.test(readFileSync(file, "utf8"));

function assertReadable4xx(res: RawResponse, what: string, expected: Expected, want: "html" | "json" | "text" | "scim") {
  const text = readableText(res);
  const context = `${what}: ${res.status} ${res.headers["content-type"]} ${text.slice(0, 200)}`;
  expect(res.status, context).toBeGreaterThanOrEqual(400);
  expect(res.status, context).toBeLessThan(500);
  if (expected !== "4xx") expect(res.status, context).toBe(expected);
  const type = res.headers["content-type"] ?? "";
  if (want === "html") expect(type, context).toMatch(/^text\/html; charset=utf-8/);
  if (want === "json") expect(type, context).toMatch(/^application\/json/);
  if (want === "scim") expect(type, context).toMatch(/^application\/scim\+json/);
  // Next's client shows a fetch action's error only when it is exactly text/plain (the sentences are ASCII).
  if (want === "text") expect(type, context).toMatch(/^text\/plain/);
  expect(hasSentence(text), context).toBe(true);
  expect(text, context).not.toMatch(/Internal Server Error|\bat [\w.<>]+ \(|node_modules|ECONN|TypeError|SyntaxError/);
}

/** A sample value for each dynamic segment: the inventory's path already carries one ("000…"). */
const withSegment = (path: string, value: string) => path.replace(/0{64}/, value);

test.describe("malformed input never produces a 5xx", () => {
  test.describe.configure({ timeout: 120_000 });

  let cookie = "";
  let actionId = "";

  test.beforeAll(async ({ account }) => {
    // A session of its own (the worker's account is the owner of its organization), so nothing here
    // can disturb the storage state other specs share.
    const signIn = await rawRequest({
      method: "POST",
      path: "/api/auth/sign-in",
      headers: { ...ORIGIN, "content-type": "application/json" },
      body: Buffer.from(JSON.stringify({ email: account.email, password: account.password })),
    });
    expect(signIn.status, signIn.body).toBe(200);
    cookie = /ck_session=[^;]+/.exec(signIn.headers["set-cookie"] ?? "")?.[0] ?? "";
    expect(cookie).not.toBe("");
    // A real server action id, from the sign-in form as rendered.
    const page = await rawRequest({ method: "GET", path: "/sign-in", headers: BROWSER });
    actionId = /&quot;id&quot;:&quot;([0-9a-f]{40,})&quot;/.exec(page.body)?.[1] ?? "";
    expect(actionId).not.toBe("");
  });

  const send = (method: string, path: string, c: Pick<Case, "request">) =>
    rawRequest({ method, path, ...c.request, headers: { ...c.request.headers, cookie } });

  test("V1.1.1 V4.1.1 the corpus reaches every route handler and page found in app/", () => {
    expect(inventory.routes.length).toBeGreaterThan(20);
    expect(inventory.pages.length).toBeGreaterThan(40);
    for (const r of inventory.routes) expect(methodsOf(r.file).length, r.file).toBeGreaterThan(0);
  });

  for (const route of inventory.routes) {
    test(`V2.2.1 V4.2.1 V16.5.1 route ${route.path}: bad query strings, bad segments and malformed bodies get a 4xx JSON sentence`, async () => {
      for (const method of methodsOf(route.file)) {
        for (const [name, value] of Object.entries(BAD_QUERY_VALUES)) {
          const res = await send(method, `${route.path}?q=${value}&next=${value}&from=${value}`, { request: { headers: { ...ORIGIN, accept: "application/json" } } });
          assertReadable4xx(res, `${method} ${route.path} query ${name}`, 400, "json");
        }
        if (route.params.length) {
          for (const [name, value] of Object.entries(BAD_SEGMENTS)) {
            const res = await send(method, withSegment(route.path, value), { request: { headers: { ...ORIGIN, accept: "application/json" } } });
            assertReadable4xx(res, `${method} ${route.path} segment ${name}`, 400, "json");
          }
        }
        if (method === "GET") continue;
        const pendingOnly = takesOnlyPendingSessions(route.file);
        const bearerOnly = takesOnlyBearerTokens(route.file);
        for (const c of routeCases()) {
          const res = await send(method, route.path, c);
          const expected = (pendingOnly || bearerOnly) && !c.beforeSession ? 401 : c.expect;
          assertReadable4xx(res, `${method} ${route.path} ${c.name}`, expected, bearerOnly && !c.beforeSession ? "scim" : (c.kind ?? "json"));
        }
      }
    });
  }

  for (const p of inventory.pages) {
    test(`V2.2.1 V4.2.1 V16.5.1 page ${p.path}: bad query strings, bad segments and malformed posts get a 4xx page with a sentence`, async () => {
      for (const [name, value] of Object.entries(BAD_QUERY_VALUES)) {
        const res = await send("GET", `${p.path}?q=${value}&next=${value}&token=${value}&page=${value}`, { request: { headers: BROWSER } });
        assertReadable4xx(res, `GET ${p.path} query ${name}`, 400, "html");
      }
      if (p.params.length) {
        for (const [name, value] of Object.entries(BAD_SEGMENTS)) {
          const res = await send("GET", withSegment(p.path, value), { request: { headers: BROWSER } });
          assertReadable4xx(res, `GET ${p.path} segment ${name}`, 400, "html");
        }
      }
      for (const method of ["PUT", "DELETE", "PATCH", "OPTIONS"]) {
        const res = await send(method, p.path, { request: { headers: BROWSER } });
        assertReadable4xx(res, `${method} ${p.path}`, "4xx", "html");
      }
      for (const c of pageCases(actionId)) {
        const res = await send("POST", p.path, c);
        assertReadable4xx(res, `POST ${p.path} ${c.name}`, c.expect, c.kind ?? "html");
      }
    });
  }

  test("V16.5.3 the server is still healthy after the corpus", async () => {
    const res = await rawRequest({ method: "GET", path: "/api/health", headers: { accept: "application/json" } });
    expect(res.status).toBe(200);
  });
});

test.describe("a person who pastes 300 KB into the sign-in form", () => {
  const huge = "x".repeat(kb(300));

  test("V2.2.1 V16.5.1 with JavaScript: the page says the form is too large (no 'page couldn't load')", async ({ page }) => {
    const signIn = new SignInPage(page);
    await signIn.goto();
    await signIn.email.fill("someone@example.com");
    await signIn.password.fill(huge);
    const response = page.waitForResponse((r) => r.request().method() === "POST" && new URL(r.url()).pathname === "/sign-in");
    await signIn.submitButton.click();
    expect((await response).status()).toBe(413);
    await expect(page.getByRole("heading", { name: "That did not work" })).toBeVisible();
    await expect(page.getByRole("alert").filter({ hasText: "This form is larger than 256 KB, the most a ChargeKeep form accepts." })).toBeVisible();
    await expect(page.getByText(/couldn.t load/i)).toHaveCount(0);
  });

  test("V2.2.1 V16.5.1 without JavaScript: the browser gets a 413 page with the same sentence", async ({ browser }) => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    try {
      const page = await context.newPage();
      await page.goto("/sign-in");
      await page.getByLabel("E-mail").fill("someone@example.com");
      await page.getByLabel("Password", { exact: true }).fill(huge);
      const [response] = await Promise.all([page.waitForResponse((r) => r.request().method() === "POST"), page.getByRole("button", { name: "Sign in", exact: true }).click()]);
      expect(response.status()).toBe(413);
      await expect(page.getByRole("heading", { name: "Form too large" })).toBeVisible();
      await expect(page.getByText("This form is larger than 256 KB, the most a ChargeKeep form accepts.")).toBeVisible();
    } finally {
      await context.close();
    }
  });
});
