"use client";

import { startRegistration, type PublicKeyCredentialCreationOptionsJSON } from "@simplewebauthn/browser";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { RecoveryCodesList } from "./recovery-codes-list";
import { describeWebauthnError, postJson, ReadableError } from "./webauthn-client";

type Kind = "security_key" | "passkey";
type Registered = { name: string; discoverable: boolean; recoveryCodes: string[] | null };
type Outcome =
  | { ok: true; message: string }
  | { ok: false; message: string; nameError?: string; stepUp?: boolean }
  | null;

const LABEL: Record<Kind, string> = { security_key: "Security key", passkey: "Passkey" };

/** Adds a security key (second factor) or a passkey (passwordless sign-in) through the browser's WebAuthn prompt. */
export function WebauthnRegisterForm() {
  const router = useRouter();
  const [busy, setBusy] = useState<Kind | null>(null);
  const [outcome, setOutcome] = useState<Outcome>(null);
  const [codes, setCodes] = useState<string[] | null>(null);

  async function add(kind: Kind, form: HTMLFormElement) {
    const name = String(new FormData(form).get("name") ?? "").trim();
    if (name.length > 60) {
      setOutcome({ ok: false, message: "Some fields need attention.", nameError: "Use at most 60 characters for the name." });
      return;
    }
    setBusy(kind);
    setOutcome(null);
    try {
      const { options } = await postJson<{ options: PublicKeyCredentialCreationOptionsJSON }>("/api/mfa/webauthn/register/options", { kind, name });
      const response = await startRegistration({ optionsJSON: options });
      const created = await postJson<Registered>("/api/mfa/webauthn/register/verify", { kind, name, response });
      form.reset();
      setCodes(created.recoveryCodes);
      setOutcome({ ok: true, message: `${LABEL[kind]} "${created.name}" was added.` });
      router.refresh();
    } catch (e) {
      const code = e instanceof ReadableError ? e.code : undefined;
      const nameError = e instanceof ReadableError ? e.fields?.name : undefined;
      setOutcome({ ok: false, message: describeWebauthnError(e), nameError, stepUp: code === "step_up_required" });
    } finally {
      setBusy(null);
    }
  }

  const nameError = outcome && !outcome.ok ? outcome.nameError : undefined;
  return (
    <div>
      {outcome ? (
        <p
          role={outcome.ok ? "status" : "alert"}
          className={`mb-4 rounded-md px-3 py-2 text-sm ${outcome.ok ? "bg-green-50 text-green-800" : "bg-red-50 text-red-800"}`}
        >
          {outcome.message}
          {!outcome.ok && outcome.stepUp ? (
            <>
              {" "}
              <a className="font-semibold underline" href="/mfa/step-up?next=%2Fsettings%2Fsecurity">
                Verify now
              </a>
            </>
          ) : null}
        </p>
      ) : null}
      {codes ? <RecoveryCodesList codes={codes} onSaved={() => setCodes(null)} /> : null}
      <form
        className="mt-4"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void add("security_key", e.currentTarget);
        }}
      >
        <div className="mb-4">
          <label htmlFor="webauthn-key-name" className="block text-sm font-medium text-slate-800">
            Key name
          </label>
          <input
            id="webauthn-key-name"
            name="name"
            maxLength={60}
            autoComplete="off"
            aria-invalid={nameError ? true : undefined}
            aria-describedby={`webauthn-key-name-hint${nameError ? " webauthn-key-name-error" : ""}`}
            className="mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm focus:border-blue-600 sm:w-80"
          />
          <p id="webauthn-key-name-hint" className="mt-1 text-xs text-slate-500">
            So you can tell your keys apart, e.g. &quot;Blue YubiKey&quot; or &quot;Work laptop&quot;. Optional.
          </p>
          {nameError ? (
            <p id="webauthn-key-name-error" role="alert" className="mt-1 text-sm text-red-700">
              {nameError}
            </p>
          ) : null}
        </div>
        <div className="flex flex-wrap gap-3">
          <button
            type="submit"
            disabled={busy !== null}
            aria-disabled={busy !== null}
            className="rounded-md bg-blue-700 px-4 py-2 text-sm font-semibold text-white hover:bg-blue-800 disabled:opacity-60"
          >
            {busy === "security_key" ? "Waiting for your key…" : "Add security key"}
          </button>
          <button
            type="button"
            disabled={busy !== null}
            aria-disabled={busy !== null}
            onClick={(e) => {
              const form = e.currentTarget.form;
              if (form) void add("passkey", form);
            }}
            className="rounded-md border border-slate-300 bg-white px-4 py-2 text-sm font-semibold text-slate-800 hover:bg-slate-100 disabled:opacity-60"
          >
            {busy === "passkey" ? "Waiting for your device…" : "Add passkey"}
          </button>
        </div>
      </form>
    </div>
  );
}
