/**
 * A SCIM client that behaves like an organization's directory (Entra ID, Okta): it provisions the
 * sandbox identity provider's people and groups into one ChargeKeep organization through
 * /api/scim/v2, the way a real identity provider does: look up by userName / displayName, create
 * what is missing, PATCH what changed, deactivate leavers, PATCH group members by difference.
 *
 *   npm run scim:push -- push        --token ckscim_…   create or update everyone and both groups
 *   npm run scim:push -- demo        --token ckscim_…   push, move a person between groups, deactivate one
 *   npm run scim:push -- deactivate  <userName> --token ckscim_…
 *   npm run scim:push -- reactivate  <userName> --token ckscim_…
 *   npm run scim:push -- delete      <userName> --token ckscim_…
 *
 * --url (or SCIM_URL) defaults to http://localhost:3000/api/scim/v2; SCIM_TOKEN may replace --token.
 * Used by e2e/scim.spec.ts too. No ChargeKeep code is imported: this is the identity provider's side.
 */
import { pathToFileURL } from "node:url";

export type DirectoryUser = { userName: string; givenName: string; familyName: string; active?: boolean };
export type DirectoryGroup = { displayName: string; members: string[] };
export type Directory = { users: DirectoryUser[]; groups: DirectoryGroup[] };

/** The sandbox identity provider's directory: a few people in two groups. */
export const SANDBOX_DIRECTORY: Directory = {
  users: [
    { userName: "ada.lovelace@sandbox-idp.test", givenName: "Ada", familyName: "Lovelace" },
    { userName: "grace.hopper@sandbox-idp.test", givenName: "Grace", familyName: "Hopper" },
    { userName: "alan.turing@sandbox-idp.test", givenName: "Alan", familyName: "Turing" },
    { userName: "katherine.johnson@sandbox-idp.test", givenName: "Katherine", familyName: "Johnson" },
  ],
  groups: [
    { displayName: "Finance", members: ["ada.lovelace@sandbox-idp.test", "katherine.johnson@sandbox-idp.test"] },
    { displayName: "Engineering", members: ["grace.hopper@sandbox-idp.test", "alan.turing@sandbox-idp.test"] },
  ],
};

const USER = "urn:ietf:params:scim:schemas:core:2.0:User";
const GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group";
const PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

type Json = Record<string, unknown>;
export type ScimClient = { request: (method: string, path: string, body?: unknown) => Promise<Json | null>; log: (line: string) => void };

export class ScimRequestError extends Error {
  constructor(
    readonly status: number,
    readonly body: Json | null,
  ) {
    super(`SCIM ${status}: ${String(body?.detail ?? "no detail")}`);
  }
}

export function scimClient(baseUrl: string, token: string, log: (line: string) => void = () => {}): ScimClient {
  const base = baseUrl.replace(/\/$/, "");
  return {
    log,
    async request(method, path, body) {
      const res = await fetch(`${base}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, accept: "application/scim+json", ...(body === undefined ? {} : { "content-type": "application/scim+json" }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      const json = text ? (JSON.parse(text) as Json) : null;
      if (!res.ok) throw new ScimRequestError(res.status, json);
      return json;
    },
  };
}

const quote = (v: string) => `"${v.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;

async function findOne(client: ScimClient, resource: "Users" | "Groups", attribute: string, value: string): Promise<Json | null> {
  const list = await client.request("GET", `/${resource}?filter=${encodeURIComponent(`${attribute} eq ${quote(value)}`)}`);
  return ((list?.Resources as Json[] | undefined) ?? [])[0] ?? null;
}

export async function findUserId(client: ScimClient, userName: string): Promise<string | null> {
  return ((await findOne(client, "Users", "userName", userName))?.id as string | undefined) ?? null;
}

/** Creates the person, or PATCHes name and active when they exist: what a directory's sync cycle sends. */
export async function upsertUser(client: ScimClient, u: DirectoryUser): Promise<string> {
  const existing = await findOne(client, "Users", "userName", u.userName);
  const active = u.active ?? true;
  if (!existing) {
    const created = await client.request("POST", "/Users", {
      schemas: [USER],
      userName: u.userName,
      externalId: `sandbox-idp:${u.userName}`,
      name: { givenName: u.givenName, familyName: u.familyName },
      displayName: `${u.givenName} ${u.familyName}`,
      emails: [{ value: u.userName, type: "work", primary: true }],
      active,
    });
    client.log(`created user ${u.userName}`);
    return created!.id as string;
  }
  await client.request("PATCH", `/Users/${String(existing.id)}`, {
    schemas: [PATCH],
    Operations: [{ op: "replace", value: { "name.givenName": u.givenName, "name.familyName": u.familyName, active } }],
  });
  client.log(`updated user ${u.userName}`);
  return existing.id as string;
}

/** Creates the group with its members, or PATCHes the members by difference (add / remove by filter). */
export async function upsertGroup(client: ScimClient, g: DirectoryGroup, idOf: Map<string, string>): Promise<string> {
  const wanted = g.members.map((m) => {
    const id = idOf.get(m);
    if (!id) throw new Error(`${m} is in group ${g.displayName} but not provisioned`);
    return id;
  });
  const existing = await findOne(client, "Groups", "displayName", g.displayName);
  if (!existing) {
    const created = await client.request("POST", "/Groups", { schemas: [GROUP], displayName: g.displayName, externalId: `sandbox-idp:${g.displayName}`, members: wanted.map((value) => ({ value })) });
    client.log(`created group ${g.displayName} with ${wanted.length} members`);
    return created!.id as string;
  }
  const current = ((existing.members as { value: string }[] | undefined) ?? []).map((m) => m.value);
  const add = wanted.filter((id) => !current.includes(id));
  const remove = current.filter((id) => !wanted.includes(id));
  const ops = [
    ...(add.length ? [{ op: "add", path: "members", value: add.map((value) => ({ value })) }] : []),
    ...remove.map((id) => ({ op: "remove", path: `members[value eq ${quote(id)}]` })),
  ];
  if (ops.length) await client.request("PATCH", `/Groups/${String(existing.id)}`, { schemas: [PATCH], Operations: ops });
  client.log(`group ${g.displayName}: ${add.length} added, ${remove.length} removed`);
  return existing.id as string;
}

/** One full sync: every person, then every group. */
export async function pushDirectory(client: ScimClient, directory: Directory = SANDBOX_DIRECTORY): Promise<{ users: Map<string, string>; groups: Map<string, string> }> {
  const users = new Map<string, string>();
  for (const u of directory.users) users.set(u.userName, await upsertUser(client, u));
  const groups = new Map<string, string>();
  for (const g of directory.groups) groups.set(g.displayName, await upsertGroup(client, g, users));
  return { users, groups };
}

async function requireUserId(client: ScimClient, userName: string): Promise<string> {
  const id = await findUserId(client, userName);
  if (!id) throw new Error(`${userName} is not provisioned in this organization`);
  return id;
}

/** HR marks a leaver (or a returner): the directory PATCHes active. */
export async function setActive(client: ScimClient, userName: string, active: boolean): Promise<void> {
  const id = await requireUserId(client, userName);
  await client.request("PATCH", `/Users/${id}`, { schemas: [PATCH], Operations: [{ op: "replace", path: "active", value: active }] });
  client.log(`${active ? "reactivated" : "deactivated"} ${userName}`);
}

export async function deleteUser(client: ScimClient, userName: string): Promise<void> {
  await client.request("DELETE", `/Users/${await requireUserId(client, userName)}`);
  client.log(`deleted ${userName}`);
}

/** push, then what a directory sends over a working day: someone changes team, someone leaves. */
export async function runDemo(client: ScimClient, directory: Directory = SANDBOX_DIRECTORY): Promise<void> {
  await pushDirectory(client, directory);
  const [mover, leaver] = [directory.users[2]?.userName, directory.users[3]?.userName];
  if (mover) {
    const moved = {
      ...directory,
      groups: directory.groups.map((g) => ({ ...g, members: g.displayName === "Finance" ? [...new Set([...g.members, mover])] : g.members.filter((m) => m !== mover) })),
    };
    const users = new Map<string, string>();
    for (const u of moved.users) users.set(u.userName, (await findUserId(client, u.userName))!);
    for (const g of moved.groups) await upsertGroup(client, g, users);
  }
  if (leaver) await setActive(client, leaver, false);
}

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

/** The command line (also for a `npm run sandbox-idp -- push …` dispatcher): returns the exit code. */
export async function runScimPushCli(argv: string[]): Promise<number> {
  const args = argv.filter((a) => a !== "--");
  const url = option(args, "--url") ?? process.env.SCIM_URL ?? "http://localhost:3000/api/scim/v2";
  const token = option(args, "--token") ?? process.env.SCIM_TOKEN;
  const positional = args.filter((a, i) => !a.startsWith("--") && !(args[i - 1] ?? "").startsWith("--"));
  const [command = "push", target] = positional;
  if (!token) {
    console.error("A SCIM token is needed: create one on /admin/scim, then pass --token ckscim_… (or set SCIM_TOKEN).");
    return 2;
  }
  const client = scimClient(url, token, (line) => console.log(`  ${line}`));
  try {
    if (command === "push") await pushDirectory(client);
    else if (command === "demo") await runDemo(client);
    else if ((command === "deactivate" || command === "reactivate" || command === "delete") && target) {
      if (command === "delete") await deleteUser(client, target);
      else await setActive(client, target, command === "reactivate");
    } else {
      console.error("Usage: npm run scim:push -- push|demo|deactivate <userName>|reactivate <userName>|delete <userName> --token ckscim_… [--url …/api/scim/v2]");
      return 2;
    }
    console.log(`Done (${url}).`);
    return 0;
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e));
    return 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  void runScimPushCli(process.argv.slice(2)).then((code) => process.exit(code));
}
