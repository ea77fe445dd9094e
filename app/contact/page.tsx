import type { Metadata } from "next";
import { AuthCard } from "@/components/card";
import { ContactForm } from "./contact-form";

export const metadata: Metadata = { title: "Contact" };

export default function ContactPage() {
  return (
    <AuthCard title="Contact ChargeKeep">
      <p className="mb-6 text-sm text-slate-600">
        Questions, feedback or a security report: write to the team running this ChargeKeep. For vulnerabilities, see also{" "}
        <a className="text-blue-700 underline" href="/.well-known/security.txt">security.txt</a>.
      </p>
      <ContactForm />
    </AuthCard>
  );
}
