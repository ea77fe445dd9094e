/**
 * What an unexpected error may put in the log. Database errors carry row values (Postgres'
 * `detail`, Drizzle's "params: ..." in its message), and encrypted columns' plaintext must never
 * reach a log: keep the class, the SQLSTATE and the driver's own message, drop the rest.
 */
export function loggableError(e: unknown): Record<string, unknown> {
  if (!(e instanceof Error)) return { error: typeof e };
  const cause = (e as { cause?: unknown }).cause;
  const source = e.name === "DrizzleQueryError" && cause instanceof Error ? cause : e;
  const code = (source as { code?: unknown }).code;
  const message = source === e && e.name === "DrizzleQueryError" ? "query failed" : source.message;
  return {
    name: e.name,
    ...(typeof code === "string" ? { code } : {}),
    message: message.split("\n")[0]!.slice(0, 300),
    // Frames only: the stack's first lines repeat the (possibly multi-line) message.
    stack: e.stack?.split("\n").filter((l) => l.startsWith("    at ")).slice(0, 8).join("\n"),
  };
}
