import Link from "next/link";
import { FilterField, filterInputClass as input } from "@/components/filter-field";

export type ReportFilterValues = { from: string; to: string; account: string[]; category: string; status: string; q: string; min: string; max: string };

type Choice = { id: string; name: string; mask?: string | null; currency?: string };


export const accountLabel = (a: { name: string; mask?: string | null }) => (a.mask ? `${a.name} ••${a.mask}` : a.name);

/**
 * A plain GET form: filters live in the URL (bookmarkable, no JavaScript needed). The dashboard
 * shows dates and accounts; the transaction table adds search, category, status and amounts.
 */
export function ReportFilterForm(props: {
  action: "/dashboard" | "/transactions";
  values: ReportFilterValues;
  errors: Record<string, string>;
  accounts: Choice[];
  categories?: Choice[];
  full?: boolean;
}) {
  const { values, errors } = props;
  return (
    // Keyed by what it shows: after a client-side navigation (a period link, "Clear filters") React
    // keeps the inputs, and a changed defaultValue would not reach one that already has a value.
    <form key={JSON.stringify(values)} method="get" action={props.action} role="search" aria-label="Filter the reports" className="mb-6 rounded-md border border-slate-200 bg-white p-4">
      {Object.keys(errors).length ? (
        <p role="alert" className="mb-4 rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
          Some filters need attention: {Object.values(errors).join(" ")}
        </p>
      ) : null}
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
        {props.full ? (
          <FilterField idPrefix="report-filter" name="q" label="Search description or merchant" errors={errors}>
            {(a) => <input {...a} type="search" defaultValue={values.q} maxLength={100} autoComplete="off" className={input} />}
          </FilterField>
        ) : null}
        <FilterField idPrefix="report-filter" name="from" label="From (booked on)" errors={errors}>
          {(a) => <input {...a} type="date" defaultValue={values.from} className={input} />}
        </FilterField>
        <FilterField idPrefix="report-filter" name="to" label="To (booked on)" errors={errors}>
          {(a) => <input {...a} type="date" defaultValue={values.to} className={input} />}
        </FilterField>
        <FilterField idPrefix="report-filter" name="account" label="Accounts" errors={errors} hint="None chosen: every account.">
          {(a) => (
            <select {...a} multiple defaultValue={values.account} size={Math.min(4, Math.max(2, props.accounts.length))} className={input}>
              {props.accounts.map((acc) => (
                <option key={acc.id} value={acc.id}>
                  {accountLabel(acc)}
                  {acc.currency ? ` (${acc.currency})` : ""}
                </option>
              ))}
            </select>
          )}
        </FilterField>
        {props.full ? (
          <>
            <FilterField idPrefix="report-filter" name="category" label="Category" errors={errors}>
              {(a) => (
                <select {...a} defaultValue={values.category} className={input}>
                  <option value="">Any category</option>
                  {(props.categories ?? []).map((c) => (
                    <option key={c.id} value={c.id}>
                      {c.name}
                    </option>
                  ))}
                </select>
              )}
            </FilterField>
            <FilterField idPrefix="report-filter" name="status" label="Status" errors={errors}>
              {(a) => (
                <select {...a} defaultValue={values.status} className={input}>
                  <option value="">Pending and posted</option>
                  <option value="pending">Pending only</option>
                  <option value="posted">Posted only</option>
                </select>
              )}
            </FilterField>
            <FilterField idPrefix="report-filter" name="min" label="Smallest amount" errors={errors} hint="Money in or out, e.g. 25 or 12.50.">
              {(a) => <input {...a} type="text" inputMode="decimal" defaultValue={values.min} maxLength={20} className={input} />}
            </FilterField>
            <FilterField idPrefix="report-filter" name="max" label="Largest amount" errors={errors}>
              {(a) => <input {...a} type="text" inputMode="decimal" defaultValue={values.max} maxLength={20} className={input} />}
            </FilterField>
          </>
        ) : null}
      </div>
      <div className="mt-4 flex items-center gap-4">
        <button type="submit" className="rounded-md bg-blue-700 px-4 py-2 text-sm font-semibold text-white hover:bg-blue-800">
          Apply filters
        </button>
        <Link href={props.action} className="text-sm text-blue-700 underline">
          Clear filters
        </Link>
      </div>
    </form>
  );
}

/** Query-string values as the form shows them (untrusted: only echoed back into inputs, never queried). */
export function filterValuesOf(params: Record<string, string | string[] | undefined>): ReportFilterValues {
  const one = (v: string | string[] | undefined) => ((Array.isArray(v) ? v[0] : v) ?? "").slice(0, 200);
  const many = (v: string | string[] | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : [v]).slice(0, 60).map((s) => s.slice(0, 60));
  return { from: one(params.from), to: one(params.to), account: many(params.account), category: one(params.category), status: one(params.status), q: one(params.q), min: one(params.min), max: one(params.max) };
}
