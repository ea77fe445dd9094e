import "server-only";
export { constantTimeEqual, randomToken, sha256Hex } from "./tokens";
