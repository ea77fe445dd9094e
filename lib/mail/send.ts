import "server-only";
import nodemailer, { type Transporter } from "nodemailer";
import { env } from "@/lib/env";
import { writeToOutbox } from "./outbox";

export type Mail = { to: string; subject: string; text: string };

let transporter: Transporter | undefined;

export async function sendMail(mail: Mail): Promise<void> {
  const { SMTP_URL, MAIL_FROM, MAIL_OUTBOX_DIR } = env();
  if (!SMTP_URL) {
    writeToOutbox(MAIL_OUTBOX_DIR, mail);
    return;
  }
  transporter ??= nodemailer.createTransport(SMTP_URL);
  await transporter.sendMail({ from: MAIL_FROM, ...mail });
}
