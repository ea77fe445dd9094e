import Link from "next/link";

/** Newer / older links of a keyset-paged table (the cursors are opaque; the server checks them). */
export function KeysetPager(props: { label: string; noun: string; newerHref: string | null; olderHref: string | null }) {
  if (!props.newerHref && !props.olderHref) return null;
  return (
    <nav aria-label={props.label} className="mt-4 flex items-center gap-6 text-sm">
      {props.newerHref ? (
        <Link href={props.newerHref} className="text-blue-700 underline" rel="prev">
          Newer {props.noun}
        </Link>
      ) : null}
      {props.olderHref ? (
        <Link href={props.olderHref} className="text-blue-700 underline" rel="next">
          Older {props.noun}
        </Link>
      ) : null}
    </nav>
  );
}
