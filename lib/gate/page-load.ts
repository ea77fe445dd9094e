import "server-only";
import { forbidden, notFound } from "next/navigation";
import { isAppError } from "@/lib/errors";

/**
 * Runs a lib/rbac read for a page. The page already passed requirePagePermission(); should the
 * lib still refuse (403), the page answers 403 like any other (app/forbidden.tsx); an unknown or
 * another organization's id (404) becomes the not-found page. Anything else is a real error.
 */
export async function loadForPage<T>(load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (e) {
    if (isAppError(e) && e.status === 403) forbidden();
    if (isAppError(e) && e.status === 404) notFound();
    throw e;
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids in the URL are only wishes: anything that is not a UUID is simply not found (never a database error). */
export function requireUuidParam(value: string): string {
  if (!UUID.test(value)) notFound();
  return value.toLowerCase();
}
