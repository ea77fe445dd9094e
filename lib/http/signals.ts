/**
 * What the delivery layer tells the monitoring layer without importing it: the route and action
 * wrappers (lib/gate) emit a signal per 5xx and per 429; lib/alerts subscribes at boot
 * (listenToHttpSignals, called by lib/bootstrap). So the gate knows no alert rule, and alerts know
 * no wrapper.
 */
export type HttpSignal = "http_5xx" | "http_429";
type Listener = (signal: HttpSignal) => void;

// On globalThis: boot (instrumentation) and the route handlers may load separate module graphs in one process.
const KEY = Symbol.for("chargekeep.http-signals");
const holder = globalThis as { [KEY]?: Map<string, Listener> };
const listeners = () => (holder[KEY] ??= new Map());

/** Subscribes under a name; subscribing again under that name replaces the listener (hot reload, tests). Returns the unsubscribe. */
export function onHttpSignal(name: string, listener: Listener): () => void {
  listeners().set(name, listener);
  return () => {
    if (listeners().get(name) === listener) listeners().delete(name);
  };
}

/** Called on hot paths (every error answer): listeners must be cheap; one that throws never breaks the answer. */
export function emitHttpSignal(signal: HttpSignal): void {
  for (const [name, listener] of listeners()) {
    try {
      listener(signal);
    } catch (e) {
      console.error(`[http-signals] listener ${name} failed on ${signal}`, e instanceof Error ? e.message : String(e));
    }
  }
}
