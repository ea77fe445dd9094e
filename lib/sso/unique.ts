/** A unique index refused the write (PostgreSQL 23505); Drizzle may wrap the driver's error. */
export function isUniqueViolation(e: unknown): boolean {
  for (let cur: unknown = e, depth = 0; cur && depth < 4; cur = (cur as { cause?: unknown }).cause, depth++) {
    if ((cur as { code?: string }).code === "23505") return true;
  }
  return false;
}
