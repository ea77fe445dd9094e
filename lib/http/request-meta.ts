import "server-only";
import { headers } from "next/headers";
import { env } from "@/lib/env";
import { clientIpFrom } from "./client-ip";
import { proxyStamp } from "./proxy-stamp";

export type RequestMeta = { ip: string | null; userAgent: string | null; requestId: string };

export function requestMetaFrom(h: Headers): RequestMeta {
  return {
    // The proxy already worked the address out (lib/http/proxy-stamp.ts); otherwise from the trusted header.
    ip: (proxyStamp(h) ?? { ip: clientIpFrom(h, env().TRUST_PROXY) }).ip,
    userAgent: h.get("user-agent")?.slice(0, 512) ?? null,
    requestId: h.get("x-request-id") ?? crypto.randomUUID(),
  };
}

/** For server components and server actions, which read headers through next/headers. */
export async function currentRequestMeta(): Promise<RequestMeta> {
  return requestMetaFrom(await headers());
}
