/** Everything one running institution holds; passed to the page, API and admin handlers. */
import type Provider from "oidc-provider";
import type { ConsentStore } from "./consents";
import type { Faults } from "./faults";
import type { InstitutionSpec, SeedUser } from "./institutions";
import type { BankKeys } from "./keys";
import type { Ledger } from "./ledger";

export interface InstitutionState {
  spec: InstitutionSpec;
  issuer: string;
  apiAudience: string;
  provider: Provider;
  keys: BankKeys;
  ledger: Ledger;
  consents: ConsentStore;
  faults: Faults;
  adminToken: string;
  clientId: string;
  now: () => number;
}

export function findUserByEmail(spec: InstitutionSpec, email: string): SeedUser | undefined {
  const wanted = email.trim().toLowerCase();
  return spec.users.find((u) => u.email === wanted);
}
