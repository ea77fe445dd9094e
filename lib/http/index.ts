export { readJsonBody, readBodyLimited, refuseMalformedBody } from "./body";
export { requestMetaFrom, currentRequestMeta, type RequestMeta } from "./request-meta";
export { clientIpFrom } from "./client-ip";
export { parseSearchParams } from "./search-params";
export { boundaryText, findTextFault } from "./boundary-text";
export { safeNextPath } from "./safe-redirect";
export { fieldErrorsOf, parseOrThrow } from "./zod-errors";
export { loggableError } from "./log";
export { checkedKeys, confirmSchema, PERMISSION_PREFIX, ROLE_PREFIX, withCheckedList } from "./form-fields";
