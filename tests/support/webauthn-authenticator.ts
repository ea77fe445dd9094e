/**
 * Tests only: a software authenticator that answers WebAuthn ceremonies with real ES256 keys and
 * real signatures, so the server side is tested through @simplewebauthn/server end to end, without
 * mocking verification. It follows the WebAuthn data layout (authenticator data, "none"
 * attestation in CBOR, DER signatures over authData || SHA-256(clientDataJSON)).
 */
import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from "node:crypto";
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from "@simplewebauthn/server";
import { isoBase64URL, isoCBOR } from "@simplewebauthn/server/helpers";

type Credential = {
  id: Buffer;
  privateKey: KeyObject;
  rpId: string;
  userHandle: Buffer;
  counter: number;
  discoverable: boolean;
};

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64url");
const sha256 = (data: Uint8Array | string) => createHash("sha256").update(data).digest();

const FLAG_UP = 0x01;
const FLAG_UV = 0x04;
const FLAG_AT = 0x40;

export class TestAuthenticator {
  private readonly credentials: Credential[] = [];

  constructor(readonly opts: { origin?: string; userVerification?: boolean; counterStep?: number } = {}) {}

  get origin() {
    return this.opts.origin ?? "http://localhost:3000";
  }

  /** Answers navigator.credentials.create() like a real authenticator with "none" attestation. */
  register(
    options: PublicKeyCredentialCreationOptionsJSON,
    over: { origin?: string; userVerified?: boolean; rk?: boolean; credentialId?: string } = {},
  ): RegistrationResponseJSON {
    const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const jwk = publicKey.export({ format: "jwk" });
    const cose = new Map<number, number | Uint8Array>([
      [1, 2], // kty: EC2
      [3, -7], // alg: ES256
      [-1, 1], // crv: P-256
      [-2, isoBase64URL.toBuffer(jwk.x!)],
      [-3, isoBase64URL.toBuffer(jwk.y!)],
    ]);
    // A chosen id stands for a malicious authenticator claiming someone else's credential.
    const id = over.credentialId ? Buffer.from(over.credentialId, "base64url") : randomBytes(32);
    const rpId = options.rp.id!;
    const discoverable = options.authenticatorSelection?.residentKey === "required";
    const uv = over.userVerified ?? this.opts.userVerification ?? true;
    const counter = 0;
    const idLength = Buffer.alloc(2);
    idLength.writeUInt16BE(id.length);
    const authData = Buffer.concat([
      sha256(rpId),
      Buffer.from([FLAG_UP | (uv ? FLAG_UV : 0) | FLAG_AT]),
      uint32(counter),
      Buffer.alloc(16), // AAGUID: none
      idLength,
      id,
      Buffer.from(isoCBOR.encode(cose)),
    ]);
    const attestationObject = isoCBOR.encode(
      new Map<string, string | Uint8Array | Map<string, string>>([
        ["fmt", "none"],
        ["attStmt", new Map<string, string>()],
        ["authData", new Uint8Array(authData)],
      ]),
    );
    const clientDataJSON = JSON.stringify({ type: "webauthn.create", challenge: options.challenge, origin: over.origin ?? this.origin, crossOrigin: false });
    this.credentials.push({ id, privateKey, rpId, userHandle: Buffer.from(isoBase64URL.toBuffer(options.user.id)), counter, discoverable });
    return {
      id: b64(id),
      rawId: b64(id),
      type: "public-key",
      response: { clientDataJSON: b64(Buffer.from(clientDataJSON)), attestationObject: b64(attestationObject), transports: ["usb"] },
      clientExtensionResults: { credProps: { rk: over.rk ?? discoverable } },
    };
  }

  /**
   * Answers navigator.credentials.get(): with the credential the options allow (or, with an empty
   * list, the first discoverable one), or the one named by `credentialId`.
   */
  authenticate(
    options: PublicKeyCredentialRequestOptionsJSON,
    over: { origin?: string; userVerified?: boolean; credentialId?: string; counter?: number } = {},
  ): AuthenticationResponseJSON {
    const allowed = new Set((options.allowCredentials ?? []).map((c) => c.id));
    const credential = this.credentials.find((c) =>
      over.credentialId ? b64(c.id) === over.credentialId : allowed.size ? allowed.has(b64(c.id)) : c.discoverable && c.rpId === options.rpId,
    );
    if (!credential) throw new Error("TestAuthenticator: no matching credential");
    credential.counter = over.counter ?? credential.counter + (this.opts.counterStep ?? 1);
    const uv = over.userVerified ?? this.opts.userVerification ?? true;
    const authData = Buffer.concat([sha256(credential.rpId), Buffer.from([FLAG_UP | (uv ? FLAG_UV : 0)]), uint32(credential.counter)]);
    const clientDataJSON = Buffer.from(JSON.stringify({ type: "webauthn.get", challenge: options.challenge, origin: over.origin ?? this.origin, crossOrigin: false }));
    const signature = sign("sha256", Buffer.concat([authData, sha256(clientDataJSON)]), credential.privateKey);
    return {
      id: b64(credential.id),
      rawId: b64(credential.id),
      type: "public-key",
      response: {
        clientDataJSON: b64(clientDataJSON),
        authenticatorData: b64(authData),
        signature: b64(signature),
        ...(credential.discoverable ? { userHandle: b64(credential.userHandle) } : {}),
      },
      clientExtensionResults: {},
    };
  }

  /** A copy of this authenticator's keys and counters: what a cloned security key is. */
  clone(): TestAuthenticator {
    const copy = new TestAuthenticator(this.opts);
    for (const c of this.credentials) copy.credentials.push({ ...c });
    return copy;
  }
}

function uint32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}
