import "server-only";
/**
 * Secure file transfer: an SFTP server (ssh2, key-only, modern algorithms) over a virtual per-
 * organization space (inbox/, outbox/) whose files are encrypted at rest as they stream in.
 */
export { RECHECK_MS, startSftpServer, type SftpServerHandle, type SftpServerOptions } from "./server";
export { ensureHostKey, hostKeyFingerprint } from "./host-key";
export { addSshKey, addSshKeySchema, listSshKeys, revokeSshKey, MAX_KEYS_PER_USER } from "./ssh-keys";
export { parsePublicKey, PublicKeyError } from "./public-keys";
export { listTransfers } from "./transfers-log";
export { deliverToOutbox, DELIVERABLES, type Deliverable } from "./deliver";
export { listFolder, openFile, usedBytes, writeFile } from "./files";
export { listImports } from "./imports-list";
export { formatBytes } from "./upload-writer";
