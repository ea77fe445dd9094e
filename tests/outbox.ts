import { readOutbox } from "@/lib/mail";

export function mailsTo(to: string) {
  return readOutbox(process.env.MAIL_OUTBOX_DIR!, to);
}

export function lastLinkTo(to: string, path: string): string {
  const mail = mailsTo(to).at(-1);
  const match = mail?.text.match(new RegExp(`https?://[^\\s]+${path}\\?token=([^\\s]+)`));
  if (!match) throw new Error(`no ${path} link mailed to ${to}`);
  return decodeURIComponent(match[1]!);
}
