import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { env, isProduction } from "@/lib/env";
import { readOutbox } from "@/lib/mail";

export const metadata: Metadata = { title: "Dev outbox" };

/** Development only: the mail ChargeKeep would have sent. A production build answers 404. */
export default function OutboxPage() {
  if (isProduction() || env().SMTP_URL) notFound();
  const messages = readOutbox(env().MAIL_OUTBOX_DIR).reverse();
  return (
    <main className="mx-auto max-w-4xl p-8">
      <h1 className="mb-2 text-2xl font-semibold">Dev outbox</h1>
      <p className="mb-6 text-sm text-slate-600">Mail sent without SMTP_URL lands here (newest first). Development only.</p>
      <ul className="space-y-4">
        {messages.map((m) => (
          <li key={m.id} className="rounded border bg-white p-4 text-sm">
            <p><strong>To:</strong> {m.to}</p>
            <p><strong>Subject:</strong> {m.subject}</p>
            <p className="text-slate-500">{m.createdAt}</p>
            <pre className="mt-2 whitespace-pre-wrap font-sans">{m.text}</pre>
          </li>
        ))}
      </ul>
    </main>
  );
}
