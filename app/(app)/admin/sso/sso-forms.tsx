"use client";

import { useActionState } from "react";
import { Field, FormMessage, SubmitButton } from "@/components/form";
import type { FormState } from "@/lib/gate";

type Action = (prev: FormState | undefined, form: FormData) => Promise<FormState>;

export function ConnectionForm({ action, current }: { action: Action; current: { kind: string; issuer: string; clientId: string } | null }) {
  const [state, run] = useActionState(action, undefined);
  return (
    <form action={run} noValidate className="space-y-2">
      <FormMessage state={state} />
      <label htmlFor="kind" className="block text-sm font-medium">
        Identity provider
      </label>
      <select id="kind" name="kind" defaultValue={current?.kind ?? "oidc"} className="w-full rounded-md border border-slate-300 px-3 py-2">
        <option value="oidc">Any OpenID Connect provider</option>
        <option value="microsoft-entra-id">Microsoft Entra ID</option>
        <option value="okta">Okta</option>
        <option value="google">Google Workspace</option>
      </select>
      <Field name="issuer" label="Issuer URL" defaultValue={current?.issuer} required state={state} />
      <Field name="clientId" label="Client id" defaultValue={current?.clientId} required state={state} />
      <Field name="clientSecret" label={current ? "Client secret (leave empty to keep the stored one)" : "Client secret"} type="password" autoComplete="off" state={state} />
      <SubmitButton>Save connection</SubmitButton>
    </form>
  );
}

export function EnableForm({ action, enabled }: { action: Action; enabled: boolean }) {
  const [state, run] = useActionState(action, undefined);
  return (
    <form action={run}>
      <FormMessage state={state} />
      <input type="hidden" name="enabled" value={enabled ? "off" : "on"} />
      <SubmitButton variant={enabled ? "danger" : "primary"}>{enabled ? "Turn single sign-on off" : "Turn single sign-on on"}</SubmitButton>
    </form>
  );
}

export function PolicyForm({
  action,
  policy,
  roles,
}: {
  action: Action;
  policy: { mfaMode: string; acceptedAmr: string; acceptedAcr: string; jitEnabled: boolean; defaultRoleId: string; ssoRequired: boolean; breakGlassOwners: boolean };
  roles: { id: string; name: string }[];
}) {
  const [state, run] = useActionState(action, undefined);
  return (
    <form action={run} noValidate className="space-y-3">
      <FormMessage state={state} />
      <fieldset>
        <legend className="text-sm font-medium">Second factor after SSO</legend>
        <label className="block text-sm">
          <input type="radio" name="mfaMode" value="chargekeep" defaultChecked={policy.mfaMode === "chargekeep"} /> ChargeKeep asks for its own second factor
        </label>
        <label className="block text-sm">
          <input type="radio" name="mfaMode" value="idp" defaultChecked={policy.mfaMode === "idp"} /> The identity provider&apos;s MFA counts (checked in the ID token)
        </label>
      </fieldset>
      <Field name="acceptedAmr" label="amr values that count as MFA" defaultValue={policy.acceptedAmr} state={state} />
      <Field name="acceptedAcr" label="acr values that count as MFA" defaultValue={policy.acceptedAcr} state={state} />
      <label className="block text-sm">
        <input type="checkbox" name="jitEnabled" defaultChecked={policy.jitEnabled} /> Add people on verified domains as members at their first sign-in
      </label>
      <label htmlFor="defaultRoleId" className="block text-sm font-medium">
        Role of new members
      </label>
      <select id="defaultRoleId" name="defaultRoleId" defaultValue={policy.defaultRoleId} className="w-full rounded-md border border-slate-300 px-3 py-2">
        {roles.map((r) => (
          <option key={r.id} value={r.id}>
            {r.name}
          </option>
        ))}
      </select>
      <label className="block text-sm">
        <input type="checkbox" name="ssoRequired" defaultChecked={policy.ssoRequired} /> SSO required: members on verified domains cannot sign in with a password (their password sessions end)
      </label>
      <label className="block text-sm">
        <input type="checkbox" name="breakGlassOwners" defaultChecked={policy.breakGlassOwners} /> Owners keep a break-glass sign-in with password + second factor
      </label>
      <p className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900">
        Risk: a break-glass password is a way in that your identity provider does not control. Keep it so an identity-provider outage cannot lock your organization out, and protect owners&apos;
        passwords and second factors well.
      </p>
      <SubmitButton>Save policy</SubmitButton>
    </form>
  );
}
