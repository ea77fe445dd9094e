import "server-only";
import { onHttpSignal } from "@/lib/http";
import { recordSystemSignal } from "./system-signals";

/** At boot (lib/bootstrap): the gate's 5xx and 429 answers feed the system alert rules. */
export function listenToHttpSignals(): () => void {
  return onHttpSignal("alerts", (signal) => recordSystemSignal(signal));
}
