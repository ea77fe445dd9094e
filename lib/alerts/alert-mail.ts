import "server-only";
import { env } from "@/lib/env";
import type { Mail } from "@/lib/mail";

export type AlertMailInput = { organizationName: string | null; title: string; detail: string; severity: string; rule: string; firstSeenAt: Date };

/** Sent to the organization's security contacts (or the operators, for platform alerts) when an alert opens. */
export function alertMail(to: string, alert: AlertMailInput): Mail {
  const where = alert.organizationName ? `in ${alert.organizationName}` : "on the ChargeKeep platform";
  const page = alert.organizationName ? "/admin/alerts" : "/admin/alerts?scope=platform";
  return {
    to,
    subject: `[ChargeKeep ${alert.severity}] ${alert.title}`,
    text: [
      `A security alert was raised ${where}.`,
      "",
      `${alert.title}`,
      `${alert.detail}`,
      "",
      `Severity: ${alert.severity}`,
      `Rule: ${alert.rule}`,
      `First seen: ${alert.firstSeenAt.toISOString()}`,
      "",
      `Review and acknowledge it at ${env().APP_URL}${page}`,
      "Repeats of the same alert are counted on that page; you get one e-mail per alert.",
      "",
      "You receive this because you are a security contact of the organization. The contacts are set on the alert settings page.",
    ].join("\n"),
  };
}
