import type { Metadata } from "next";
import Link from "next/link";
import { AuthCard } from "@/components/card";
import { SignUpForm } from "./sign-up-form";

export const metadata: Metadata = { title: "Create an account" };

export default function SignUpPage() {
  return (
    <AuthCard title="Create your ChargeKeep account">
      <p className="mb-6 text-sm text-slate-600">You will be the owner of a new organization and can invite your team later.</p>
      <SignUpForm />
      <p className="mt-6 text-sm">
        Already have an account?{" "}
        <Link href="/sign-in" className="text-blue-700 underline">
          Sign in
        </Link>
      </p>
    </AuthCard>
  );
}
