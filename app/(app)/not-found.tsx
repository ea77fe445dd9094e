import Link from "next/link";

/** notFound() inside the signed-in area (an unknown role, group or connection): a section inside the layout's <main>. */
export default function AppNotFound() {
  return (
    <section aria-labelledby="not-found-title" className="mx-auto mt-8 max-w-md rounded-lg border border-slate-200 bg-white p-8 shadow-sm">
      <h1 id="not-found-title" className="mb-4 text-2xl font-semibold">
        Page not found
      </h1>
      <p className="text-sm text-slate-700">This page could not be found. It may have been removed, or it belongs to another organization.</p>
      <Link href="/dashboard" className="mt-6 inline-block text-blue-700 underline">
        Back to the dashboard
      </Link>
    </section>
  );
}
