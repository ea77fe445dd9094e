/**
 * lib/http's second public face, for proxy.ts only: synchronous, database-free checks. The main
 * face (index.ts) brings the gate wrappers, and with them the session query and the database,
 * which must stay out of the proxy's bundle. No "server-only": the proxy imports it.
 */
export { formatSize, MAX_REQUEST_BODY_BYTES, readStreamLimited } from "./body";
export { urlFault } from "./boundary-text";
export { ACTION_BODY_CUT_OFF, ACTION_BODY_TOO_LARGE, MAX_ACTION_BODY_BYTES, pagePostBodyFault, pagePostHeaderFault, type PostRefusal } from "./page-post";
export { clientIpFrom, forwardedProto } from "./client-ip";
export { isMfaPendingPath, isPublicPath } from "./public-paths";
export { buildCsp, isForeignOrigin, SAFE_METHODS, staticSecurityHeaders } from "./security-headers";
