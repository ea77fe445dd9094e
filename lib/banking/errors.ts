/** Thrown when the bank no longer honours the grant (invalid_grant, consent expired, revoked). */
export class ReauthRequiredError extends Error {
  constructor(message = "The bank needs you to sign in again to keep this connection.") {
    super(message);
    this.name = "ReauthRequiredError";
  }
}
