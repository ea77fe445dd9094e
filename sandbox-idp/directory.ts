/**
 * The sandbox directory: a few people in two groups, all on the domain the README and the e2e
 * suite verify (acme.test). Passwords are documented: this runs on loopback only.
 */
export interface DirectoryUser {
  id: string;
  email: string;
  name: string;
  givenName: string;
  familyName: string;
  password: string;
  groups: string[];
  active: boolean;
}

export const SANDBOX_DOMAIN = "acme.test";
export const SANDBOX_PASSWORD = "sandbox-idp-password";

export const GROUPS = ["Finance", "Engineering"] as const;

export function buildDirectory(domain = SANDBOX_DOMAIN): DirectoryUser[] {
  const person = (id: string, given: string, family: string, groups: string[]): DirectoryUser => ({
    id,
    email: `${given.toLowerCase()}@${domain}`,
    name: `${given} ${family}`,
    givenName: given,
    familyName: family,
    password: SANDBOX_PASSWORD,
    groups,
    active: true,
  });
  return [
    person("idp-user-alice", "Alice", "Adams", ["Finance"]),
    person("idp-user-bob", "Bob", "Brown", ["Finance"]),
    person("idp-user-carol", "Carol", "Clark", ["Engineering"]),
    person("idp-user-dave", "Dave", "Davis", ["Engineering", "Finance"]),
    person("idp-user-erin", "Erin", "Evans", ["Engineering"]),
  ];
}
