import Link from "next/link";
import { FilterField, filterInputClass as input } from "@/components/filter-field";
import { AUDIT_ACTIONS } from "@/lib/audit";

export type AuditFilterValues = { actor: string; action: string; result: string; ip: string; from: string; to: string };

/** The catalogue grouped by category, each category first offered as a whole ("member." = every member event). */
function actionGroups() {
  const groups = new Map<string, { value: string; label: string }[]>();
  for (const [action, { description }] of Object.entries(AUDIT_ACTIONS)) {
    const category = action.split(".")[0]!;
    if (!groups.has(category)) groups.set(category, [{ value: `${category}.`, label: `Every ${category.replace(/_/g, " ")} event` }]);
    groups.get(category)!.push({ value: action, label: `${description} (${action})` });
  }
  return [...groups.entries()];
}


/** A plain GET form: filters live in the URL, so a filtered view can be bookmarked and shared. */
export function AuditFilterForm({
  values,
  errors,
  actorChoices = [],
}: {
  values: AuditFilterValues;
  errors: Record<string, string>;
  /** The organization's members, offered as suggestions while typing (any e-mail still works). */
  actorChoices?: { email: string; name: string }[];
}) {
  const filtered = Object.values(values).some(Boolean);
  return (
    <form method="get" action="/admin/audit" role="search" aria-label="Filter the audit log" className="mb-6 rounded-md border border-slate-200 bg-white p-4">
      {Object.keys(errors).length ? (
        <p role="alert" className="mb-4 rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
          Some filters need attention: {Object.values(errors).join(" ")}
        </p>
      ) : null}
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
        <FilterField idPrefix="audit-filter" name="actor" label="Who (e-mail or user id)" errors={errors}>
          {(a) => (
            <>
              <input {...a} type="text" list="audit-filter-actor-members" defaultValue={values.actor} maxLength={320} autoComplete="off" className={input} />
              <datalist id="audit-filter-actor-members">
                {actorChoices.map((m) => (
                  <option key={m.email} value={m.email}>
                    {m.name}
                  </option>
                ))}
              </datalist>
            </>
          )}
        </FilterField>
        <FilterField idPrefix="audit-filter" name="action" label="What" errors={errors}>
          {(a) => (
            <select {...a} defaultValue={values.action} className={input}>
              <option value="">Any action</option>
              {actionGroups().map(([category, options]) => (
                <optgroup key={category} label={category}>
                  {options.map((o) => (
                    <option key={o.value} value={o.value}>
                      {o.label}
                    </option>
                  ))}
                </optgroup>
              ))}
            </select>
          )}
        </FilterField>
        <FilterField idPrefix="audit-filter" name="result" label="Result" errors={errors}>
          {(a) => (
            <select {...a} defaultValue={values.result} className={input}>
              <option value="">Any result</option>
              <option value="success">Success</option>
              <option value="failure">Failure</option>
              <option value="denied">Denied</option>
            </select>
          )}
        </FilterField>
        <FilterField idPrefix="audit-filter" name="ip" label="IP address or range" errors={errors} hint="203.0.113.7 or 203.0.113.0/24">
          {(a) => <input {...a} type="text" defaultValue={values.ip} maxLength={64} autoComplete="off" className={input} />}
        </FilterField>
        <FilterField idPrefix="audit-filter" name="from" label="From (UTC)" errors={errors}>
          {(a) => <input {...a} type="date" defaultValue={values.from} className={input} />}
        </FilterField>
        <FilterField idPrefix="audit-filter" name="to" label="To (UTC, inclusive)" errors={errors}>
          {(a) => <input {...a} type="date" defaultValue={values.to} className={input} />}
        </FilterField>
      </div>
      <div className="mt-4 flex items-center gap-4">
        <button type="submit" className="rounded-md bg-blue-700 px-4 py-2 text-sm font-semibold text-white hover:bg-blue-800">
          Apply filters
        </button>
        {filtered ? (
          <Link href="/admin/audit" className="text-sm text-blue-700 underline">
            Clear filters
          </Link>
        ) : null}
      </div>
    </form>
  );
}
