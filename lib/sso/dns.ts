import "server-only";
import { Resolver } from "node:dns/promises";
import { env } from "@/lib/env";

/** Answers the TXT records at a name (each record's strings). Injected in tests (a local DNS server). */
export type TxtResolver = (name: string) => Promise<string[][]>;

/**
 * The system resolver, or the servers in DOMAIN_DNS_SERVERS ("127.0.0.1:5353", for the local DNS
 * server the e2e suite and `npm run dev` start). A name with no TXT records is an empty answer, not an error.
 */
export function defaultTxtResolver(): TxtResolver {
  const servers = env().DOMAIN_DNS_SERVERS?.split(",").map((s) => s.trim()).filter(Boolean);
  const resolver = new Resolver({ timeout: 3000, tries: 2 });
  if (servers?.length) resolver.setServers(servers);
  return async (name) => {
    try {
      return await resolver.resolveTxt(name);
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code === "ENODATA" || code === "ENOTFOUND") return [];
      throw e;
    }
  };
}
