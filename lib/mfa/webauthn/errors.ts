import { AppError } from "@/lib/errors";

/** Failures people can act on; the reason a signature failed is never told (it helps forgers). */
export const challengeExpired = () =>
  new AppError("webauthn_challenge_expired", 400, "That request expired or was already used. Try again.");

export const assertionFailed = () =>
  new AppError("webauthn_failed", 401, "We could not verify your security key or passkey. Try again, or use another way to verify.");

export const keyNotRegistered = () =>
  new AppError("webauthn_failed", 401, "That security key or passkey is not registered to your account. Try another one.");

export const PASSKEY_NOT_REGISTERED = "That passkey is not registered with ChargeKeep.";
export const passkeyNotRegistered = () => new AppError("passkey_unknown", 401, PASSKEY_NOT_REGISTERED);

export const counterRegressed = () =>
  new AppError(
    "webauthn_cloned",
    401,
    "We refused this key because its use counter went backwards, which can mean it was copied. Use another way to verify, and remove the key from your account if you did not expect this.",
  );

export const noKeysRegistered = () => new AppError("webauthn_none", 400, "You have no security key or passkey registered.");

export const registrationFailed = () =>
  new AppError("webauthn_registration_failed", 400, "We could not register that key. Try again.");

export const alreadyRegistered = () => new AppError("webauthn_duplicate", 409, "That key is already registered.");
