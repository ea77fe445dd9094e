import { describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { useFakeClock } from "@/lib/clock";
import { errorResponse, formAction } from "@/lib/gate";
import { RateLimitedError } from "./index";

describe("a rate-limit denial over HTTP", () => {
  it("V2.4.1 the 429 JSON response carries Retry-After and the RateLimit-* headers", async () => {
    const clock = useFakeClock(new Date("2026-03-02T10:00:00Z"));
    const error = new RateLimitedError("Too many verification attempts. Wait 4 minutes and try again.", {
      retryAfterSeconds: 240,
      limit: 5,
      remaining: 0,
      resetAt: clock.now().getTime() + 240_000,
    });
    const res = errorResponse(error, "req-1");
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("240");
    expect(res.headers.get("ratelimit-limit")).toBe("5");
    expect(res.headers.get("ratelimit-remaining")).toBe("0");
    expect(res.headers.get("ratelimit-reset")).toBe("240");
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(await res.json()).toEqual({ error: { code: "rate_limited", message: "Too many verification attempts. Wait 4 minutes and try again." } });
  });

  it("V2.4.1 other errors get no rate-limit headers", () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    expect(errorResponse(new Error("boom"), "req-2").headers.get("retry-after")).toBeNull();
    logged.mockRestore();
  });

  it("V2.4.1 a server action shows the denial's message in the form", async () => {
    const message = "Too many verification attempts. Wait 4 minutes and try again.";
    const action = formAction({ auth: false, schema: z.object({}) }, async () => {
      throw new RateLimitedError(message, { retryAfterSeconds: 240, limit: 5, remaining: 0, resetAt: Date.now() + 240_000 });
    });
    expect(await action(undefined, new FormData())).toMatchObject({ ok: false, message });
  });
});
