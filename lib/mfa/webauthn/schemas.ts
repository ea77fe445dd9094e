import { z } from "zod";
import { boundaryText } from "@/lib/http";

/** What the user calls a key: shown in the list, never used for anything else. */
export const credentialNameSchema = boundaryText()
  .trim()
  .min(1, "Give the key a name.")
  .max(60, "Use at most 60 characters for the name.");

export const CREDENTIAL_KINDS = ["security_key", "passkey"] as const;
export type CredentialKind = (typeof CREDENTIAL_KINDS)[number];
export const credentialKindSchema = z.enum(CREDENTIAL_KINDS, { error: "Choose a security key or a passkey." });

export const DEFAULT_CREDENTIAL_NAME: Record<CredentialKind, string> = { security_key: "Security key", passkey: "Passkey" };

/** An empty name field means "use the default name for this kind". */
const optionalName = z.preprocess((v) => (typeof v === "string" && v.trim() === "" ? undefined : v), credentialNameSchema.optional());

const b64url = (max: number) => z.string().max(max).regex(/^[A-Za-z0-9_-]*$/, "must be base64url");

const clientExtensionResults = z
  .object({
    appid: z.boolean().optional(),
    credProps: z.object({ rk: z.boolean().optional() }).optional(),
    hmacCreateSecret: z.boolean().optional(),
  })
  .default({});

const credentialBase = {
  // Credential ids are at most 1023 bytes (WebAuthn L3): 1364 base64url characters.
  id: b64url(1400).min(1),
  rawId: b64url(1400).min(1),
  type: z.literal("public-key"),
  authenticatorAttachment: z.enum(["platform", "cross-platform"]).optional(),
  clientExtensionResults,
};

/** The browser's RegistrationResponseJSON (@simplewebauthn/browser startRegistration()). */
export const registrationResponseSchema = z.object({
  ...credentialBase,
  response: z.object({
    clientDataJSON: b64url(8_000),
    attestationObject: b64url(40_000),
    authenticatorData: b64url(20_000).optional(),
    transports: z.array(z.string().max(32)).max(16).optional(),
    publicKeyAlgorithm: z.number().int().optional(),
    publicKey: b64url(20_000).optional(),
  }),
});

/** The browser's AuthenticationResponseJSON (@simplewebauthn/browser startAuthentication()). */
export const authenticationResponseSchema = z.object({
  ...credentialBase,
  response: z.object({
    clientDataJSON: b64url(8_000),
    authenticatorData: b64url(20_000),
    signature: b64url(4_000),
    userHandle: b64url(200).optional(),
  }),
});

export type RegistrationResponse = z.infer<typeof registrationResponseSchema>;
export type AuthenticationResponse = z.infer<typeof authenticationResponseSchema>;

/** Bodies of the route handlers. */
export const registrationOptionsBodySchema = z.object({ kind: credentialKindSchema, name: optionalName });
export const registrationVerifyBodySchema = z.object({ kind: credentialKindSchema, name: optionalName, response: registrationResponseSchema });
export const authenticationVerifyBodySchema = z.object({
  response: authenticationResponseSchema,
  next: boundaryText().max(512).optional(),
});

/** Bodies stay small: attestation "none" carries no certificates. */
export const WEBAUTHN_MAX_BODY_BYTES = 64 * 1024;
