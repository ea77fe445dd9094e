/**
 * lib/gate's face for client components (app/error.tsx): how the gate marks a database outage, so
 * the error boundary can say so. Constants only; index.ts is server-only.
 */
export { DATABASE_UNAVAILABLE_DIGEST, DATABASE_UNAVAILABLE_MESSAGE } from "@/db/errors";
