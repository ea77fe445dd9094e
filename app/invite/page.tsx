import type { Metadata } from "next";
import Link from "next/link";
import { AuthCard } from "@/components/card";
import { publicPage } from "@/lib/gate";
import { getSession } from "@/lib/auth";
import { describeInvitation, INVALID_INVITATION } from "@/lib/rbac";
import { AcceptInvitationForm, CreateAccountForm } from "./invite-forms";

export const metadata: Metadata = { title: "Invitation", robots: { index: false, follow: false } };

export default async function InvitePage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const raw = (await searchParams).token;
  const token = (Array.isArray(raw) ? raw[0] : raw) ?? "";
  const { db } = publicPage();
  const invitation = token ? await describeInvitation(db, token) : null;
  if (!invitation) {
    return (
      <AuthCard title="Invitation">
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
          {INVALID_INVITATION}
        </p>
        <p className="mt-6 text-sm">
          <Link href="/sign-in" className="text-blue-700 underline">
            Go to sign-in
          </Link>
        </p>
      </AuthCard>
    );
  }

  const session = await getSession();
  const signInHref = `/sign-in?next=${encodeURIComponent(`/invite?token=${token}`)}`;
  return (
    <AuthCard title={`Join ${invitation.organizationName}`}>
      <dl className="mb-6 grid grid-cols-[7rem_1fr] gap-y-1 text-sm">
        <dt className="text-slate-600">Organization</dt>
        <dd className="font-medium">{invitation.organizationName}</dd>
        <dt className="text-slate-600">Role</dt>
        <dd className="font-medium">{invitation.roleName}</dd>
        <dt className="text-slate-600">Invited</dt>
        <dd className="font-medium">{invitation.email}</dd>
      </dl>
      {session && session.user.email === invitation.email ? (
        <AcceptInvitationForm token={token} organizationName={invitation.organizationName} />
      ) : session ? (
        <p role="alert" className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900">
          You are signed in as {session.user.email}, but this invitation is for {invitation.email}. Sign out, then open the link again and sign in with
          the invited address.
        </p>
      ) : invitation.hasAccount ? (
        <div className="text-sm">
          <p className="mb-4">There is already a ChargeKeep account for {invitation.email}. Sign in first; you will come back here to accept.</p>
          <Link href={signInHref} className="inline-block rounded-md bg-blue-700 px-4 py-2 font-semibold text-white hover:bg-blue-800">
            Sign in to accept
          </Link>
        </div>
      ) : (
        <>
          <p className="mb-4 text-sm text-slate-700">Create your account to join. Your e-mail address is confirmed by this link.</p>
          <CreateAccountForm token={token} email={invitation.email} />
        </>
      )}
    </AuthCard>
  );
}
