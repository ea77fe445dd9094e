/**
 * What the user consented to, per grant: the accounts and until when. oidc-provider's Grant holds
 * scopes and resources but nothing for account selection, so this sits beside it, keyed by grant id,
 * in the same state store (persisted with it when the bank has a data directory).
 */
import type { StateStore } from "./state-store";

export interface Consent {
  grantId: string;
  userId: string;
  clientId: string;
  accountIds: string[];
  expiresMs: number;
  /** Set by the admin switches or by revocation, so the API can say why it refuses. */
  state: "live" | "expired" | "revoked";
}

export class ConsentStore {
  private readonly byGrant = new Map<string, Consent>();

  constructor(private readonly store: StateStore) {
    for (const consent of store.consents) this.byGrant.set(consent.grantId, consent);
  }

  add(consent: Consent) {
    this.byGrant.set(consent.grantId, consent);
    this.store.consents.push(consent);
    this.store.changed();
  }

  get(grantId: string): Consent | undefined {
    return this.byGrant.get(grantId);
  }

  update(grantId: string, patch: Partial<Pick<Consent, "state" | "expiresMs">>) {
    const consent = this.byGrant.get(grantId);
    if (!consent) return;
    Object.assign(consent, patch);
    this.store.changed();
  }

  /** Live consents matching an optional grant id or user id; both absent means all of them. */
  select(filter: { grantId?: string; userId?: string }): Consent[] {
    return [...this.byGrant.values()].filter(
      (c) => c.state === "live" && (!filter.grantId || c.grantId === filter.grantId) && (!filter.userId || c.userId === filter.userId),
    );
  }
}
