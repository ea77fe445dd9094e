import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { expect } from "@playwright/test";
import { BASE_URL, OUTBOX_DIR } from "./paths";

/** What the app writes per message when SMTP_URL is not set (lib/mail/outbox.ts). */
export type Mail = { id: string; to: string; subject: string; text: string; createdAt: string };

function readAll(): Mail[] {
  let files: string[];
  try {
    files = readdirSync(OUTBOX_DIR).filter((f) => f.endsWith(".json"));
  } catch {
    return [];
  }
  const mails: Mail[] = [];
  for (const f of files) {
    try {
      mails.push(JSON.parse(readFileSync(path.join(OUTBOX_DIR, f), "utf8")) as Mail);
    } catch {
      // A file caught half-written: the next poll reads it whole.
    }
  }
  // File names start with the ISO timestamp, so id order is send order.
  return mails.sort((a, b) => a.id.localeCompare(b.id));
}

export function mailsTo(to: string): Mail[] {
  return readAll().filter((m) => m.to.toLowerCase() === to.toLowerCase());
}

/**
 * Polls the outbox for the newest mail to `to` whose subject matches and that was not there
 * before (`notIn`: ids seen earlier, e.g. from mailIds(to) taken before the action).
 */
export async function waitForMail(
  to: string,
  opts: { subject: RegExp; notIn?: ReadonlySet<string>; timeout?: number },
): Promise<Mail> {
  let found: Mail | undefined;
  await expect
    .poll(
      () => {
        found = mailsTo(to)
          .filter((m) => opts.subject.test(m.subject) && !opts.notIn?.has(m.id))
          .at(-1);
        return found?.id ?? null;
      },
      { message: `mail to ${to} with subject ${opts.subject}`, timeout: opts.timeout ?? 10_000 },
    )
    .not.toBeNull();
  return found!;
}

export function mailIds(to: string): Set<string> {
  return new Set(mailsTo(to).map((m) => m.id));
}

/** The one app link in a mail that goes to `pathname` (e.g. "/verify-email"), as an absolute URL. */
export function linkIn(mail: Mail, pathname: string): string {
  const links = [...mail.text.matchAll(/https?:\/\/\S+/g)].map((m) => m[0]);
  const hit = links.find((l) => {
    const u = new URL(l);
    return u.origin === BASE_URL && u.pathname === pathname;
  });
  if (!hit) throw new Error(`no ${pathname} link in mail "${mail.subject}":\n${mail.text}`);
  return hit;
}

export const SUBJECTS = {
  verify: /^Confirm your e-mail address/,
  reset: /^Reset your ChargeKeep password/,
  passwordChanged: /^Your ChargeKeep password was changed/,
  accountExists: /^Someone tried to sign up/,
} as const;
