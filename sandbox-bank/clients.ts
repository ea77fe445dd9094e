/**
 * The statically registered OAuth clients: ChargeKeep in development, plus extra redirect URIs
 * for test and e2e ports. No dynamic registration: a bank knows its relying parties.
 */
export interface ClientOptions {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
}

export const DEFAULT_REDIRECT_URI = "http://localhost:3000/api/banking/callback";

export function clientMetadata(o: ClientOptions) {
  return [
    {
      client_id: o.clientId,
      client_secret: o.clientSecret,
      redirect_uris: o.redirectUris,
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      token_endpoint_auth_method: "client_secret_basic",
      // One EC key signs everything; RS256 (the library default) would need an RSA key too.
      id_token_signed_response_alg: "ES256",
    },
  ];
}
