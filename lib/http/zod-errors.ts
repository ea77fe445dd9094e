import type { z } from "zod";
import { AppError } from "@/lib/errors";

/** First message per field, keyed by the field's path: what a form shows next to each input. */
export function fieldErrorsOf(error: z.ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = issue.path.join(".") || "_";
    out[key] ??= issue.message;
  }
  return out;
}

export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (!result.success) {
    throw new AppError("validation_failed", 422, "Some fields need attention.", fieldErrorsOf(result.error));
  }
  return result.data;
}
