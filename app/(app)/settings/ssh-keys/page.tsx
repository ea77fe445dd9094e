import type { Metadata } from "next";
import { requirePagePermission } from "@/lib/gate";
import { listSshKeys } from "@/lib/sftp";
import { AddKeyForm, KeyList } from "./ssh-key-forms";

export const metadata: Metadata = { title: "SSH keys" };

export default async function SshKeysPage() {
  const { session: ctx, db } = await requirePagePermission("transfers:use");
  const keys = await listSshKeys(db, ctx);
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  return (
    <section aria-labelledby="ssh-keys-title">
      <h1 id="ssh-keys-title" className="mb-2 text-2xl font-semibold">SSH keys for file transfer</h1>
      <p className="mb-6 text-sm text-slate-600">
        Your keys sign you in to ChargeKeep&apos;s SFTP server (see <a className="underline" href="/transfers">Transfers</a> for how to connect). Adding a key asks you to confirm your second factor.
      </p>
      <AddKeyForm />
      <h2 className="mb-3 text-lg font-semibold">Your keys</h2>
      <KeyList keys={keys.map((k) => ({ ...k, lastUsedAt: iso(k.lastUsedAt), revokedAt: iso(k.revokedAt), createdAt: k.createdAt.toISOString() }))} />
    </section>
  );
}
