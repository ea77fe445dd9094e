/**
 * Crypto failures name where (table, column, key id) and why, never the value: these errors reach
 * logs. Callers must not catch a DecryptionError and carry on with the stored text (fail closed).
 */
export class DecryptionError extends Error {
  constructor(
    readonly where: string,
    readonly reason: "format" | "unknown_key" | "authentication",
    keyId?: number,
  ) {
    const why =
      reason === "format"
        ? "it is not an encrypted value of a known format"
        : reason === "unknown_key"
          ? `key ${keyId} is not in the loaded keyring`
          : `authentication failed (wrong key, tampered, or moved from another ${where.includes("#") ? "row or column" : "column"})`;
    super(`Cannot decrypt ${where}: ${why}.`);
    this.name = "DecryptionError";
  }
}

export class KeyringNotLoadedError extends Error {
  constructor() {
    super("The encryption keyring is not loaded: call loadKeyring(db) at start-up (lib/bootstrap does, tests/setup.ts does).");
    this.name = "KeyringNotLoadedError";
  }
}

/** A value meant for a sealed column arrived unsealed: refused before it reaches the database. */
export class PlaintextRefusedError extends Error {
  constructor(where: string) {
    super(`Refusing to store ${where}: it holds secrets and takes only values from seal().`);
    this.name = "PlaintextRefusedError";
  }
}
