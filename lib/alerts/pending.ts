import "server-only";

/**
 * Work an alert starts but nobody should wait for (e-mail through SMTP, a system-signal alert raised
 * from a synchronous counter). Tracked so tests, and a server shutting down, can wait for it.
 */
const inFlight = new Set<Promise<unknown>>();

export function runDetached(label: string, work: () => Promise<unknown>): void {
  const p = (async () => {
    try {
      await work();
    } catch (e) {
      console.error(`[alerts] ${label} failed`, e instanceof Error ? e.message : e);
    }
  })();
  inFlight.add(p);
  void p.finally(() => inFlight.delete(p));
}

/** Resolves when every detached piece of alert work started so far has finished. */
export async function settleAlertWork(): Promise<void> {
  while (inFlight.size) await Promise.all([...inFlight]);
}
