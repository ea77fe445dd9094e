import type { Metadata } from "next";
import { requirePagePermission } from "@/lib/gate";
import { env } from "@/lib/env";
import { loadRoleTree } from "@/lib/rbac";
import { getConnection, redirectUriFor } from "@/lib/sso";
import { saveConnectionAction, savePolicyAction, setEnabledAction } from "./actions";
import { ConnectionForm, EnableForm, PolicyForm } from "./sso-forms";
import { TestConnectionButton } from "./test-button";

export const metadata: Metadata = { title: "Single sign-on" };

/** The organization's identity provider (OpenID Connect), its test round trip, and the SSO policy. */
export default async function SsoAdminPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const { session: ctx, db } = await requirePagePermission("security:manage");
  const params = await searchParams;
  const connection = await getConnection(db, ctx.organization.id);
  const roles = (await loadRoleTree(db, ctx.organization.id)).filter((r) => r.key !== "owner").map((r) => ({ id: r.id, name: r.name }));
  const origin = new URL(env().APP_URL).origin;
  return (
    <section aria-labelledby="sso-title">
      <h1 id="sso-title" className="mb-2 text-2xl font-semibold">
        Single sign-on
      </h1>
      <p className="mb-6 text-sm text-slate-600">
        Members of {ctx.organization.name} on your verified domains sign in with your identity provider (OpenID Connect). Changes ask for your second factor.
      </p>
      {env().NODE_ENV !== "production" ? (
        <p className="mb-4 text-sm text-slate-600">
          Development: the sandbox identity provider answers at <code>{env().SANDBOX_IDP_URL}</code> (client <code>chargekeep-sso</code>, README &quot;Try it locally&quot;).
        </p>
      ) : null}
      {params.test === "ok" ? (
        <p role="status" className="mb-4 rounded-md bg-green-50 px-3 py-2 text-sm text-green-800">
          The test sign-in succeeded.
        </p>
      ) : null}
      {params.test === "failed" ? (
        <p role="alert" className="mb-4 rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
          The test sign-in failed: {connection?.lastTestResult ?? "no answer"}
        </p>
      ) : null}
      <div className="grid gap-8 lg:grid-cols-2">
        <section aria-labelledby="conn-title">
          <h2 id="conn-title" className="mb-3 text-lg font-medium">
            Connection
          </h2>
          <ConnectionForm action={saveConnectionAction} current={connection ? { kind: connection.kind, issuer: connection.issuer, clientId: connection.clientId } : null} />
          {connection ? (
            <div className="mt-4 space-y-3 text-sm">
              <p>
                Redirect URI to register at your identity provider: <code className="break-all">{redirectUriFor(connection.id)}</code>
              </p>
              <p>
                Your organization&apos;s sign-in link: <code className="break-all">{`${origin}/sign-in/sso?org=${ctx.organization.id}`}</code>
              </p>
              <p>
                Last test:{" "}
                <strong data-testid="sso-test-result">{connection.lastTestedAt ? `${connection.lastTestResult === "ok" ? "succeeded" : connection.lastTestResult} (${connection.lastTestedAt.toISOString()})` : "never"}</strong>
              </p>
              <p>
                Status: <strong data-testid="sso-status">{connection.enabled ? "on" : "off"}</strong>
              </p>
              <TestConnectionButton />
              <EnableForm action={setEnabledAction} enabled={connection.enabled} />
            </div>
          ) : null}
        </section>
        {connection ? (
          <section aria-labelledby="policy-title">
            <h2 id="policy-title" className="mb-3 text-lg font-medium">
              Policy
            </h2>
            <PolicyForm
              action={savePolicyAction}
              roles={roles}
              policy={{
                mfaMode: connection.mfaMode,
                acceptedAmr: connection.acceptedAmr,
                acceptedAcr: connection.acceptedAcr,
                jitEnabled: connection.jitEnabled,
                defaultRoleId: connection.defaultRoleId ?? roles.find((r) => r.name.toLowerCase() === "member")?.id ?? "",
                ssoRequired: connection.ssoRequired,
                breakGlassOwners: connection.breakGlassOwners,
              }}
            />
          </section>
        ) : null}
      </div>
    </section>
  );
}
