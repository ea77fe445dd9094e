export { route, errorResponse } from "./route";
export { formAction, type FormState } from "./action";
export { readJsonBody, readBodyLimited } from "./body";
export { requestMetaFrom, currentRequestMeta, type RequestMeta } from "./request-meta";
export { clientIpFrom } from "./client-ip";
