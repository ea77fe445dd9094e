import { describe, expect, it } from "vitest";
import { signInAction } from "@/app/(auth)/sign-in/actions";
import { revokeSessionAction } from "@/app/(app)/settings/sessions/actions";
import { contactAction } from "@/app/contact/actions";
import { getDb } from "@/db";
import { validateSessionToken } from "@/lib/auth";
import { makeSession, makeUser } from "@/tests/factories";
import { cookieJar, setRequestCookie } from "@/tests/request-context";

function form(values: Record<string, string>) {
  const f = new FormData();
  for (const [k, v] of Object.entries(values)) f.set(k, v);
  return f;
}

async function redirectOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    const digest = (e as { digest?: string }).digest ?? "";
    if (digest.startsWith("NEXT_REDIRECT")) return digest.split(";")[2]!;
    throw e;
  }
  throw new Error("expected a redirect");
}

describe("server actions", () => {
  it("V6.3.8 sign-in form: wrong password gives the generic message and sets no cookie", async () => {
    const { email } = await makeUser();
    const state = await signInAction(undefined, form({ email, password: "wrong-wrong-wrong-1" }));
    expect(state).toMatchObject({ ok: false, message: "That e-mail and password do not match an account." });
    expect(state.values).toEqual({ email });
    expect(cookieJar().size).toBe(0);
  });

  it("V7.2.4 V3.7.2 sign-in form sets the session cookie and follows only a local next path", async () => {
    const { email, password } = await makeUser();
    const to = await redirectOf(signInAction(undefined, form({ email, password, next: "https://evil.example/x" })));
    expect(to).toBe("/dashboard");
    const cookie = cookieJar().get("ck_session");
    expect(cookie?.options).toEqual({ httpOnly: true, sameSite: "lax", secure: false, path: "/" });
    expect(await validateSessionToken(getDb(), cookie!.value)).not.toBeNull();
  });

  it("V2.2.1 malformed form input comes back as field errors, never an exception", async () => {
    const state = await signInAction(undefined, form({ email: "not-an-email" }));
    expect(state.ok).toBe(false);
    expect(state.fieldErrors).toMatchObject({ email: expect.any(String), password: expect.any(String) });
  });

  it("V7.2.1 a protected action without a session is refused with a sign-in message", async () => {
    const state = await revokeSessionAction(undefined, form({ sessionId: "a".repeat(64) }));
    expect(state).toMatchObject({ ok: false, message: "Please sign in to continue." });
  });

  it("V8.4.1 revoking another user's session through the form does nothing", async () => {
    const victim = await makeUser();
    const attacker = await makeUser();
    const v = await makeSession(victim.user.id, victim.organizationId);
    const a = await makeSession(attacker.user.id, attacker.organizationId);
    setRequestCookie("ck_session", a.token);
    const state = await revokeSessionAction(undefined, form({ sessionId: v.sessionId, password: attacker.password }));
    expect(state).toMatchObject({ ok: false, message: "That session no longer exists." });
    expect(await validateSessionToken(getDb(), v.token)).not.toBeNull();
  });

  it("V2.2.1 the contact form refuses an empty message next to the field", async () => {
    const state = await contactAction(undefined, form({ name: "A", email: "a@example.test", message: "" }));
    expect(state.fieldErrors?.message).toMatch(/at least 10/);
  });
});
