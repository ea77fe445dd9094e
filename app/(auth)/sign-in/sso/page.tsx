import type { Metadata } from "next";
import Link from "next/link";
import { AuthCard } from "@/components/card";
import { ssoFailureMessage } from "@/lib/sso";
import { SsoStartForm } from "./sso-start-form";

export const metadata: Metadata = { title: "Sign in with SSO" };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** "Sign in with SSO": the work e-mail (or an organization's own sign-in link, ?org=) picks the identity provider. */
export default async function SsoSignInPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const params = await searchParams;
  const error = ssoFailureMessage(params.error);
  const org = params.org && UUID.test(params.org) ? params.org : undefined;
  return (
    <AuthCard title="Sign in with SSO">
      {error ? (
        <p role="alert" className="mb-4 rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
          {error}
        </p>
      ) : null}
      <SsoStartForm organizationId={org} email={params.email?.slice(0, 320)} />
      <p className="mt-6 text-sm">
        <Link href="/sign-in" className="text-blue-700 underline">
          Sign in with a password instead
        </Link>
      </p>
    </AuthCard>
  );
}
