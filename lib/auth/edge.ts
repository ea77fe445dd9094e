/**
 * lib/auth's second public face, for proxy.ts: the cookie names only (presence checks). The main
 * face (index.ts) brings sessions and the database, which must stay out of the proxy's bundle.
 */
export { MFA_PENDING_COOKIE_NAMES, SESSION_COOKIE_NAMES } from "@/lib/credentials/cookie";
