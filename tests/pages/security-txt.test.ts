import { describe, expect, it } from "vitest";
import { GET } from "@/app/.well-known/security.txt/route";
import { useFakeClock } from "@/lib/clock";

describe("security.txt", () => {
  it("follows RFC 9116: Contact and an Expires less than a year ahead", async () => {
    const clock = useFakeClock(new Date("2026-11-24T10:00:00Z"));
    const text = await (await GET(new Request("http://localhost:3000/.well-known/security.txt"))).text();
    expect(text).toMatch(/^Contact: mailto:/m);
    const expires = new Date(text.match(/^Expires: (.+)$/m)![1]!);
    expect(expires.getTime()).toBeGreaterThan(clock.now().getTime());
    expect(expires.getTime() - clock.now().getTime()).toBeLessThanOrEqual(366 * 24 * 3_600_000);
    expect(text).toMatch(/^Canonical: .+\/\.well-known\/security\.txt$/m);
  });
});
