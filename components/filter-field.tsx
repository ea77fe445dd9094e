/** The input style of the GET filter forms (audit log, reports). */
export const filterInputClass = "mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm focus:border-blue-600";

/**
 * One labelled field of a GET filter form, with its hint and its error next to it: the child gets
 * the id, name and aria attributes to spread on its input or select.
 */
export function FilterField(props: { idPrefix: string; name: string; label: string; errors: Record<string, string>; hint?: string; children: (a11y: Record<string, unknown>) => React.ReactNode }) {
  const id = `${props.idPrefix}-${props.name}`;
  const error = props.errors[props.name];
  const describedBy = [props.hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(" ") || undefined;
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium text-slate-800">
        {props.label}
      </label>
      {props.children({ id, name: props.name, "aria-invalid": error ? true : undefined, "aria-describedby": describedBy })}
      {props.hint ? (
        <p id={`${id}-hint`} className="mt-1 text-xs text-slate-500">
          {props.hint}
        </p>
      ) : null}
      {error ? (
        <p id={`${id}-error`} className="mt-1 text-sm text-red-700">
          {error}
        </p>
      ) : null}
    </div>
  );
}
