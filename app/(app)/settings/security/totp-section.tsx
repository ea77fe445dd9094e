import { totpQrDataUri, type TotpStatus } from "@/lib/mfa";
import { TotpPanel, type TotpPanelStatus } from "./totp-panel";

/** Authenticator app on the security page: set up (QR code + manual key + first code), status, removal. */
export async function TotpSection({ status }: { status: TotpStatus }) {
  const panel: TotpPanelStatus =
    status.state === "pending"
      ? { state: "pending", secret: status.secret, qrDataUri: await totpQrDataUri(status.uri) }
      : status.state === "on"
        ? { state: "on", confirmedAt: status.confirmedAt.toISOString(), lastUsedAt: status.lastUsedAt?.toISOString() ?? null }
        : { state: "off" };
  return (
    <section aria-labelledby="totp-title" className="mb-8 rounded-lg border border-slate-200 bg-white p-6">
      <h2 id="totp-title" className="mb-3 text-lg font-semibold">
        Authenticator app
      </h2>
      <TotpPanel status={panel} />
    </section>
  );
}
