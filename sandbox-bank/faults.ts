/**
 * Test switches for failure modes: a delay on every API request, then a 5xx for the next N
 * (optionally counting token-endpoint requests too, so a refresh can be made to fail).
 */
import type { ServerResponse } from "node:http";
import { sendJson } from "./http-util";

export interface Faults {
  delayMs: number;
  failNext: number;
  failStatus: number;
  /** Also delay/fail POST /token (refresh and code exchange), not just /fdx. */
  includeToken: boolean;
}

export const noFaults = (): Faults => ({ delayMs: 0, failNext: 0, failStatus: 503, includeToken: false });

/** Returns true when it has answered the request with a simulated failure. */
export async function applyFaults(faults: Faults, res: ServerResponse): Promise<boolean> {
  if (faults.delayMs > 0) await new Promise((r) => setTimeout(r, faults.delayMs));
  if (faults.failNext > 0) {
    faults.failNext--;
    sendJson(res, faults.failStatus, { code: String(faults.failStatus), message: "Simulated server error (sandbox switch)." });
    return true;
  }
  return false;
}
