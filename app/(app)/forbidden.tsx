import Link from "next/link";

/**
 * A 403 inside the signed-in area: the layout around it already has the page's <main>, so this is a
 * section (the root app/forbidden.tsx is a <main> of its own, which nested here would be a second one).
 */
export default function AppForbidden() {
  return (
    <section aria-labelledby="forbidden-title" className="mx-auto mt-8 max-w-md rounded-lg border border-slate-200 bg-white p-8 shadow-sm">
      <h1 id="forbidden-title" className="mb-4 text-2xl font-semibold">
        You do not have permission to open this page
      </h1>
      <p className="text-sm text-slate-700">Your role in this organization does not include it. Ask an administrator if you need access.</p>
      <Link href="/dashboard" className="mt-6 inline-block text-blue-700 underline">
        Back to the dashboard
      </Link>
    </section>
  );
}
