import type { Metadata } from "next";
import { AuthCard } from "@/components/card";
import { ForgotForm } from "./forgot-form";

export const metadata: Metadata = { title: "Forgot password" };

export default function ForgotPasswordPage() {
  return (
    <AuthCard title="Reset your password">
      <ForgotForm />
    </AuthCard>
  );
}
