import { UtcTime } from "@/components/admin/utc-time";
import type { WebauthnCredentialSummary } from "@/lib/mfa";
import { WebauthnCredentialList } from "./webauthn-credential-list";
import { WebauthnRegisterForm } from "@/components/mfa/webauthn-register-form";

/** Security keys and passkeys on the security page: the list (rename, remove) and adding one. */
export function SecurityKeysSection({ keys }: { keys: WebauthnCredentialSummary[] }) {
  return (
    <section aria-labelledby="security-keys-title" className="mb-8 rounded-lg border border-slate-200 bg-white p-6">
      <h2 id="security-keys-title" className="mb-3 text-lg font-semibold">
        Security keys and passkeys
      </h2>
      <p className="mb-4 text-sm text-slate-700">
        A security key (such as a YubiKey) is a second factor after your password. A passkey is stored on your phone, computer or key and signs you in
        without a password, after your PIN, fingerprint or face.
      </p>
      <WebauthnCredentialList
        items={keys.map((k) => ({
          id: k.id,
          name: k.name,
          kind: k.discoverable ? "Passkey" : "Security key",
          synced: k.backedUp,
          created: <UtcTime date={k.createdAt} />,
          lastUsed: <UtcTime date={k.lastUsedAt} fallback="never" />,
        }))}
      />
      <WebauthnRegisterForm />
    </section>
  );
}
