import type { Metadata } from "next";
import Link from "next/link";
import { AuthCard } from "@/components/card";
import { PasskeySignInButton } from "@/components/mfa/passkey-sign-in-button";
import { SignInForm } from "./sign-in-form";

export const metadata: Metadata = { title: "Sign in" };

export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const params = await searchParams;
  return (
    <AuthCard title="Sign in to ChargeKeep">
      {params.expired ? (
        <p role="status" className="mb-4 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900">
          Your session has ended. Please sign in again.
        </p>
      ) : null}
      {params.reset ? (
        <p role="status" className="mb-4 rounded-md bg-green-50 px-3 py-2 text-sm text-green-800">
          Your password was changed and every device was signed out. Sign in with the new password.
        </p>
      ) : null}
      {params.unlocked ? (
        <p role="status" className="mb-4 rounded-md bg-green-50 px-3 py-2 text-sm text-green-800">
          Your account is unlocked and every device was signed out. Sign in with the new password.
        </p>
      ) : null}
      {params.verified ? (
        <p role="status" className="mb-4 rounded-md bg-green-50 px-3 py-2 text-sm text-green-800">
          Your e-mail address is confirmed. You can sign in now.
        </p>
      ) : null}
      <SignInForm next={params.next} />
      <PasskeySignInButton next={params.next} />
      <a href="/sign-in/sso" className="mt-3 block w-full rounded-md border border-slate-300 px-4 py-2 text-center text-sm font-medium text-slate-800 hover:bg-slate-100">
        Sign in with SSO
      </a>
      <div className="mt-6 flex justify-between text-sm">
        <Link href="/forgot-password" className="text-blue-700 underline">
          Forgot your password?
        </Link>
        <Link href="/sign-up" className="text-blue-700 underline">
          Create an account
        </Link>
      </div>
      <p className="mt-2 text-sm">
        <Link href="/unlock" className="text-blue-700 underline">
          Account locked or suspended?
        </Link>
      </p>
    </AuthCard>
  );
}
