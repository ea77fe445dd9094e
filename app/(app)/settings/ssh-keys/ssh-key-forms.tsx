"use client";

import { useActionState } from "react";
import { Field, FormMessage, SubmitButton } from "@/components/form";
import { addSshKeyAction, revokeSshKeyAction } from "./actions";
import { ScrollRegion } from "@/components/scroll-region";

export type KeyRow = { id: string; name: string; algorithm: string; bits: number | null; fingerprint: string; lastUsedAt: string | null; lastUsedIp: string | null; revokedAt: string | null; createdAt: string };

const when = (iso: string) => <time dateTime={iso}>{new Date(iso).toLocaleString("en-GB", { timeZone: "UTC" })} UTC</time>;

export function AddKeyForm() {
  const [state, action] = useActionState(addSshKeyAction, undefined);
  return (
    <form action={action} aria-labelledby="add-key-title" className="mb-8 max-w-2xl">
      <h2 id="add-key-title" className="mb-3 text-lg font-semibold">Add a key</h2>
      <FormMessage state={state} />
      <Field name="name" label="Name" required maxLength={80} hint="Where the key lives, e.g. “Finance laptop” or “Nightly export job”." state={state} />
      <Field
        name="publicKey"
        label="Public key"
        required
        multiline
        maxLength={16384}
        hint="The contents of your .pub file (ssh-keygen -t ed25519 creates one). ed25519, ECDSA, or RSA of at least 3072 bits. Never paste the private key."
        state={state}
      />
      <SubmitButton>Add key</SubmitButton>
    </form>
  );
}

export function KeyList({ keys }: { keys: KeyRow[] }) {
  const [state, revoke] = useActionState(revokeSshKeyAction, undefined);
  if (!keys.length) return <p className="text-sm text-slate-600">You have no SSH keys yet.</p>;
  return (
    <div>
      <FormMessage state={state} />
      <ScrollRegion label="Your SSH keys">
      <table className="w-full border-collapse bg-white text-sm">
        <caption className="sr-only">Your SSH keys</caption>
        <thead>
          <tr className="border-b text-left">
            <th scope="col" className="p-2">Name</th>
            <th scope="col" className="p-2">Fingerprint</th>
            <th scope="col" className="p-2">Last used</th>
            <th scope="col" className="p-2">Added</th>
            <th scope="col" className="p-2"><span className="sr-only">Actions</span></th>
          </tr>
        </thead>
        <tbody>
          {keys.map((k) => (
            <tr key={k.id} className="border-b" data-testid="ssh-key-row">
              <td className="p-2">
                {k.name}
                <span className="block text-xs text-slate-500">{k.algorithm}{k.bits ? ` (${k.bits} bits)` : ""}</span>
              </td>
              <td className="p-2 font-mono text-xs break-all">{k.fingerprint}</td>
              <td className="p-2">{k.lastUsedAt ? <>{when(k.lastUsedAt)}{k.lastUsedIp ? ` from ${k.lastUsedIp}` : ""}</> : "never"}</td>
              <td className="p-2">{when(k.createdAt)}</td>
              <td className="p-2 text-right">
                {k.revokedAt ? (
                  <span className="text-slate-500">revoked {when(k.revokedAt)}</span>
                ) : (
                  <form action={revoke} onSubmit={(e) => (confirm(`Revoke "${k.name}"? It will no longer be able to connect.`) ? undefined : e.preventDefault())}>
                    <input type="hidden" name="keyId" value={k.id} />
                    <SubmitButton variant="danger">Revoke</SubmitButton>
                  </form>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      </ScrollRegion>
    </div>
  );
}
