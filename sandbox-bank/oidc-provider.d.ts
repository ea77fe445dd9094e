// oidc-provider ships no types and @types/oidc-provider is not installed: this declares only
// the surface the sandbox bank uses.
declare module "oidc-provider" {
  import type { IncomingMessage, ServerResponse } from "node:http";

  export interface Grant {
    jti: string;
    accountId?: string;
    clientId?: string;
    exp?: number;
    addOIDCScope(scope: string): void;
    addOIDCClaims(claims: string[]): void;
    addResourceScope(resource: string, scope: string): void;
    save(): Promise<string>;
  }

  interface GrantModel {
    new (init: { accountId: string; clientId: string; expiresIn?: number }): Grant;
    find(id: string): Promise<Grant | undefined>;
    adapter: { destroy(id: string): Promise<void> };
  }

  interface TokenModel {
    revokeByGrantId(grantId: string): Promise<void>;
  }

  export interface InteractionDetails {
    uid: string;
    grantId?: string;
    prompt: { name: string; reasons: string[]; details: Record<string, unknown> };
    params: Record<string, unknown>;
    session?: { accountId: string };
  }

  export interface KoaContextWithOIDC {
    oidc: { route?: string; result?: { consent?: { grantId?: string } } ; provider: Provider };
  }

  export default class Provider {
    constructor(issuer: string, configuration: Record<string, unknown>);
    readonly issuer: string;
    Grant: GrantModel;
    AccessToken: TokenModel;
    RefreshToken: TokenModel;
    AuthorizationCode: TokenModel;
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
    interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<InteractionDetails>;
    interactionFinished(
      req: IncomingMessage,
      res: ServerResponse,
      result: Record<string, unknown>,
      options?: { mergeWithLastSubmission?: boolean },
    ): Promise<void>;
    on(event: string, listener: (...args: unknown[]) => void): this;
    /** Koa middleware around every provider route. */
    use(middleware: (ctx: { path: string; status: number; body: unknown }, next: () => Promise<void>) => Promise<void>): void;
  }

  export const errors: {
    InvalidTarget: new (description?: string) => Error;
  };
}
