// The cookie helpers moved to lib/credentials (below rbac and defense). This path stays for the
// proxy and route handlers that import it until they use `@/lib/credentials/cookie`.
export * from "@/lib/credentials/cookie";
