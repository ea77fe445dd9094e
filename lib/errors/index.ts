/**
 * Expected failures carry a code, an HTTP status and a message a person understands.
 * Anything else is unexpected: logged with a request id and shown as a generic error.
 */
export class AppError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    readonly fieldErrors?: Record<string, string>,
  ) {
    super(message);
    this.name = "AppError";
  }
}

export const unauthenticated = () => new AppError("unauthenticated", 401, "Please sign in to continue.");
export const forbidden = (message = "You do not have permission to do that.") => new AppError("forbidden", 403, message);
export const notFound = (what = "That item") => new AppError("not_found", 404, `${what} was not found.`);
export const badRequest = (message: string, fieldErrors?: Record<string, string>) =>
  new AppError("bad_request", 400, message, fieldErrors);

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError;
}

/** Organization policy: this member must set up a second factor before doing anything else. */
export const mfaEnrolmentRequired = () =>
  new AppError(
    "mfa_enrolment_required",
    403,
    "Your organization requires two-step verification. Set up an authenticator app or a security key in Security settings to continue.",
  );

/** A sensitive action wants a second factor from the last few minutes. */
export const stepUpRequired = (enrolled: boolean) =>
  enrolled
    ? new AppError("step_up_required", 403, "Confirm it is you: verify with your second factor, then try again.")
    : new AppError("mfa_enrolment_required", 403, "This action needs two-step verification. Set up an authenticator app or a security key in Security settings first.");
