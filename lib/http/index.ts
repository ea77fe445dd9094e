export { readJsonBody, readBodyLimited, refuseMalformedBody } from "./body";
export { requestMetaFrom, currentRequestMeta, type RequestMeta } from "./request-meta";
export { clientIpFrom } from "./client-ip";
export { cookieValue } from "./cookie-header";
export { proxyStamp } from "./proxy-stamp";
export { emitHttpSignal, onHttpSignal, type HttpSignal } from "./signals";
export { parseSearchParams } from "./search-params";
export { boundaryText, findTextFault } from "./boundary-text";
export { safeNextPath } from "./safe-redirect";
export { fieldErrorsOf, parseOrThrow } from "./zod-errors";
export { loggableError } from "./log";
export { checkedKeys, confirmSchema, PERMISSION_PREFIX, ROLE_PREFIX, withCheckedList } from "./form-fields";
// For the capabilities that build on the HTTP primitives (issue 19: no deep imports into lib/http).
export { readStreamLimited } from "./body";
export { assertStorableText, storableText, NUL_MESSAGE } from "./boundary-text";
export { decodeCursor, encodeCursor } from "./cursor";
export { createNodeServer } from "./node-server";
export { EDGE_IP_HEADER, EDGE_SECRET_HEADER } from "./client-ip";
