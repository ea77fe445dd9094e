/**
 * The signature-counter rule (WebAuthn §7.2 step 21): when either the stored or the received
 * counter is non-zero, the received one must be strictly greater. Otherwise two copies of one
 * authenticator are in use (a cloned key), and the assertion is refused. Authenticators without a
 * counter (most synced passkeys) always report 0, which 0 stored accepts.
 */
export function isCounterRegression(stored: number, received: number): boolean {
  return (stored > 0 || received > 0) && received <= stored;
}
