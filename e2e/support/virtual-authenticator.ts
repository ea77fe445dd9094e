import type { CDPSession, Page } from "@playwright/test";

/**
 * Chromium's virtual authenticator (CDP WebAuthn domain): a security key or platform passkey
 * store that answers navigator.credentials without a person or a device. It belongs to the page
 * (tab) and survives navigations; credentials live as long as the authenticator.
 */
export type VirtualCredential = {
  credentialId: string;
  isResidentCredential: boolean;
  rpId?: string;
  privateKey: string;
  userHandle?: string;
  signCount: number;
};

export class VirtualAuthenticator {
  private constructor(
    readonly cdp: CDPSession,
    private id: string,
    private readonly transport: "usb" | "internal",
  ) {}

  /** `usb`: a roaming security key; `internal`: the device's own passkey store. Both verify the user (PIN/biometrics). */
  static async attach(page: Page, transport: "usb" | "internal" = "usb"): Promise<VirtualAuthenticator> {
    const cdp = await page.context().newCDPSession(page);
    await cdp.send("WebAuthn.enable", { enableUI: false });
    const auth = new VirtualAuthenticator(cdp, "", transport);
    await auth.plugIn();
    return auth;
  }

  /** Adds the authenticator (again), optionally with credentials it held before. */
  async plugIn(credentials: VirtualCredential[] = []): Promise<void> {
    const { authenticatorId } = await this.cdp.send("WebAuthn.addVirtualAuthenticator", {
      options: {
        protocol: "ctap2",
        transport: this.transport,
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
        automaticPresenceSimulation: true,
      },
    });
    this.id = authenticatorId;
    for (const c of credentials) await this.cdp.send("WebAuthn.addCredential", { authenticatorId, credential: c });
  }

  /** Takes the key away; returns what it held, so a test can plug the same key back in. */
  async unplug(): Promise<VirtualCredential[]> {
    const held = await this.credentials();
    await this.cdp.send("WebAuthn.removeVirtualAuthenticator", { authenticatorId: this.id });
    return held;
  }

  async credentials(): Promise<VirtualCredential[]> {
    const { credentials } = await this.cdp.send("WebAuthn.getCredentials", { authenticatorId: this.id });
    return credentials as VirtualCredential[];
  }

  /** A passkey for `rpId` that this site never registered (an attacker's or another site's). */
  async addUnknownPasskey(rpId: string, privateKeyPkcs8Base64: string): Promise<void> {
    await this.cdp.send("WebAuthn.addCredential", {
      authenticatorId: this.id,
      credential: {
        credentialId: Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64"),
        isResidentCredential: true,
        rpId,
        privateKey: privateKeyPkcs8Base64,
        userHandle: Buffer.from("not-a-chargekeep-user").toString("base64"),
        signCount: 0,
      },
    });
  }
}
