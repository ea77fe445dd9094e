import { describe, expect, it } from "vitest";
import { clientIpFrom, EDGE_IP_HEADER, EDGE_SECRET_HEADER } from "./client-ip";

const h = (o: Record<string, string>) => new Headers(o);

describe("client IP", () => {
  it("V16.2.1 with no trusted proxy, spoofed forwarding headers are ignored", () => {
    expect(clientIpFrom(h({ "x-forwarded-for": "1.2.3.4", "x-real-ip": "1.2.3.4" }), "none", "s3cret")).toBeNull();
    expect(clientIpFrom(h({ [EDGE_IP_HEADER]: "1.2.3.4" }), "none", "s3cret")).toBeNull();
    expect(clientIpFrom(h({ [EDGE_IP_HEADER]: "1.2.3.4", [EDGE_SECRET_HEADER]: "guess" }), "none", "s3cret")).toBeNull();
    expect(clientIpFrom(h({ [EDGE_IP_HEADER]: "::ffff:10.1.2.3", [EDGE_SECRET_HEADER]: "s3cret" }), "none", "s3cret")).toBe("10.1.2.3");
  });

  it("V16.2.1 on Heroku only the last x-forwarded-for entry (added by the router) counts", () => {
    expect(clientIpFrom(h({ "x-forwarded-for": "6.6.6.6, 203.0.113.9" }), "heroku")).toBe("203.0.113.9");
  });

  it("V16.2.1 on Vercel x-real-ip counts and garbage is refused", () => {
    expect(clientIpFrom(h({ "x-real-ip": "2001:db8::1", "x-forwarded-for": "6.6.6.6" }), "vercel")).toBe("2001:db8::1");
    expect(clientIpFrom(h({ "x-real-ip": "<script>" }), "vercel")).toBeNull();
  });
});
