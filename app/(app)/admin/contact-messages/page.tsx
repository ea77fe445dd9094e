import type { Metadata } from "next";
import { requirePageSession } from "@/lib/gate";
import { listContactMessages } from "@/lib/contact";
import { isAppError } from "@/lib/errors";

export const metadata: Metadata = { title: "Contact messages" };

export default async function ContactMessagesPage() {
  const { session: ctx, db } = await requirePageSession();
  let messages;
  try {
    messages = await listContactMessages(db, ctx);
  } catch (e) {
    if (isAppError(e) && e.status === 403) {
      return <p role="alert" className="text-red-800">{e.message}</p>;
    }
    throw e;
  }
  return (
    <section aria-labelledby="cm-title">
      <h1 id="cm-title" className="mb-4 text-2xl font-semibold">Contact messages</h1>
      {messages.length === 0 ? <p className="text-sm text-slate-600">No messages yet.</p> : null}
      <ul className="space-y-4">
        {messages.map((m) => (
          <li key={m.id} className="rounded-md border bg-white p-4 text-sm" data-testid="contact-message">
            <p className="font-medium">
              {m.name} &lt;{m.email}&gt; <span className="text-slate-500">{m.createdAt.toISOString()}</span>
            </p>
            <p className="mt-2 whitespace-pre-wrap">{m.message}</p>
          </li>
        ))}
      </ul>
    </section>
  );
}
