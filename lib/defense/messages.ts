/**
 * Answers for refused sign-ins. Given before the password is checked, so they say the same
 * whether the guess was right or wrong.
 */
export function lockedMessage(minutes: number): string {
  const wait = minutes <= 1 ? "1 minute" : `${minutes} minutes`;
  return `This account is temporarily locked after too many failed sign-ins. Try again in ${wait}.`;
}

export const SUSPENDED_MESSAGE =
  "This account is suspended after too many failed sign-ins. Check your e-mail for an unlock link, or ask for a new one on the unlock page (/unlock).";

export const NETWORK_BLOCKED_MESSAGE =
  "Sign-in from your network is blocked for a while after many failed sign-ins. Try again later.";

export const INVALID_UNLOCK_LINK = "This unlock link is invalid, was already used or has expired. Ask for a new one.";
