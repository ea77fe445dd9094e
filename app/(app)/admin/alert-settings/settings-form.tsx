"use client";

import { useActionState } from "react";
import { Field, FormMessage, SubmitButton } from "@/components/form";
import { saveAlertSettingsAction } from "./actions";
import { ScrollRegion } from "@/components/scroll-region";

export type RuleRow = { key: string; label: string; description: string; severity: string; counted: boolean; enabled: boolean; threshold: number; windowMinutes: number };

/** One row per rule: on/off, threshold (counted rules only) and window; then the contacts. */
export function AlertSettingsForm({ rules, contacts }: { rules: RuleRow[]; contacts: string[] }) {
  const [state, action] = useActionState(saveAlertSettingsAction, undefined);
  const err = (name: string) => state?.fieldErrors?.[name];
  // An invalid address is reported at its index (contacts.2): show it next to the one field.
  const contactsError = state?.fieldErrors ? Object.entries(state.fieldErrors).find(([k]) => k === "contacts" || k.startsWith("contacts."))?.[1] : undefined;
  const contactsState = state && contactsError ? { ...state, fieldErrors: { ...state.fieldErrors, contacts: contactsError } } : state;
  return (
    <form action={action} noValidate>
      <FormMessage state={state} />
      <ScrollRegion label="Alert rules" className="mb-6 rounded-md border border-slate-200 bg-white">
        <table className="w-full text-left text-sm">
          <thead className="bg-slate-50 text-xs uppercase text-slate-600">
            <tr>
              <th scope="col" className="px-3 py-2">Rule</th>
              <th scope="col" className="px-3 py-2">On</th>
              <th scope="col" className="px-3 py-2">Threshold (events)</th>
              <th scope="col" className="px-3 py-2">Window (minutes)</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {rules.map((r) => (
              <tr key={r.key} data-testid={`rule-${r.key}`}>
                <td className="px-3 py-2 align-top">
                  <p className="font-medium" id={`rule-${r.key}-label`}>
                    {r.label}
                  </p>
                  <p className="text-xs text-slate-600">
                    {r.description} Severity: {r.severity}.
                  </p>
                </td>
                <td className="px-3 py-2 align-top">
                  <input type="checkbox" name={`${r.key}.enabled`} defaultChecked={r.enabled} aria-labelledby={`rule-${r.key}-label`} className="h-4 w-4" />
                </td>
                <td className="px-3 py-2 align-top">
                  {r.counted ? (
                    <input
                      type="number"
                      min={1}
                      name={`${r.key}.threshold`}
                      defaultValue={r.threshold}
                      aria-label={`${r.label}: threshold`}
                      aria-invalid={err(`rules.${r.key}.threshold`) ? true : undefined}
                      className="w-24 rounded-md border border-slate-300 px-2 py-1"
                    />
                  ) : (
                    <span className="text-xs text-slate-500">every occurrence</span>
                  )}
                  {err(`rules.${r.key}.threshold`) ? <p className="text-xs text-red-700">{err(`rules.${r.key}.threshold`)}</p> : null}
                </td>
                <td className="px-3 py-2 align-top">
                  <input
                    type="number"
                    min={1}
                    name={`${r.key}.windowMinutes`}
                    defaultValue={r.windowMinutes}
                    aria-label={`${r.label}: window in minutes`}
                    aria-invalid={err(`rules.${r.key}.windowMinutes`) ? true : undefined}
                    className="w-24 rounded-md border border-slate-300 px-2 py-1"
                  />
                  {err(`rules.${r.key}.windowMinutes`) ? <p className="text-xs text-red-700">{err(`rules.${r.key}.windowMinutes`)}</p> : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollRegion>
      <Field
        name="contacts"
        label="Security contacts"
        multiline
        defaultValue={contacts.join("\n")}
        hint="E-mail addresses that receive alerts, one per line. Leave empty to e-mail every member who may manage security."
        state={contactsState}
      />
      <SubmitButton>Save</SubmitButton>
    </form>
  );
}
