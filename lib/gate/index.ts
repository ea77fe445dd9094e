import "server-only";
/**
 * The gate every route handler, server action and page passes (delivery layer): session, MFA stage,
 * permission, parsing, error answers, and the database handle handed to the handler. lib/http holds
 * the primitives it is built from (body limits, boundary text, client IP, request meta).
 */
export { route, errorResponse, type AuthMode } from "./route";
export { formAction, type ActionContext, type FormState } from "./action";
export { requirePagePermission, requirePageSession, publicPage, type PageGate } from "./page";
export { loadForPage, requireUuidParam } from "./page-load";
export { databaseUnavailableResponse } from "./unavailable";
export { requireSchedulerSecret } from "./scheduler-secret";
