import type { Metadata } from "next";
import Link from "next/link";
import { AuthCard } from "@/components/card";
import { RequestLinkForm } from "./request-link-form";
import { UnlockForm } from "./unlock-form";

export const metadata: Metadata = { title: "Unlock your account" };

/**
 * Where the suspension mail's link lands: the token proves the mailbox; a new password ends the
 * lock. Without a token (or with an expired one) the visitor can ask for a new link.
 */
export default async function UnlockPage({ searchParams }: { searchParams: Promise<{ token?: string }> }) {
  const { token } = await searchParams;
  return (
    <AuthCard title="Unlock your account">
      {token ? (
        <>
          <p className="mb-4 text-sm text-slate-700">
            Your account was suspended after too many failed sign-ins. Choose a new password to unlock it: every other device is signed out and this one is signed in (after your second factor, if you have one).
          </p>
          <UnlockForm token={token} />
          <p className="mt-4 text-sm">
            Link expired or already used?{" "}
            <Link href="/unlock" className="text-blue-700 underline">
              Ask for a new one
            </Link>
          </p>
        </>
      ) : (
        <>
          <p className="mb-4 text-sm text-slate-700">
            Was your account locked or suspended after failed sign-ins? Enter its address and we will e-mail it a link to unlock it.
          </p>
          <RequestLinkForm />
        </>
      )}
    </AuthCard>
  );
}
