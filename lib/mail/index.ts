import "server-only";
export { sendMail, type Mail } from "./send";
export { readOutbox, type OutboxMessage } from "./outbox";
export * from "./templates";
export { recoveryCodeUsedMail } from "./recovery-code-used";
export { unlockAccountMail } from "./unlock-account";
