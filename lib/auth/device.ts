// Moved to lib/credentials (the alert rules need it without lib/auth's Next request code). This path
// stays for the pages that import it until they use `@/lib/auth`.
export { describeDevice, deviceKey } from "@/lib/credentials";
