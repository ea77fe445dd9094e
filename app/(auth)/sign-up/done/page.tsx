import type { Metadata } from "next";
import { AuthCard } from "@/components/card";

export const metadata: Metadata = { title: "Check your inbox" };

export default function SignUpDonePage() {
  return (
    <AuthCard title="Check your inbox">
      <p className="text-sm text-slate-700">
        We have sent a confirmation link to the address you gave. Open it to confirm your address, then sign in. The link
        works once and expires in 24 hours.
      </p>
    </AuthCard>
  );
}
