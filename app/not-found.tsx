import type { Metadata } from "next";
import Link from "next/link";

export const metadata: Metadata = { title: "Page not found" };

/**
 * Any address nothing answers (and any notFound() no closer boundary catches). Next's built-in page
 * has no main landmark and a bare "404" as its heading; this one says what happened and where to go.
 * The sentence "This page could not be found." is kept: e2e/production-surface.spec.ts looks for it.
 */
export default function NotFound() {
  return (
    <main className="mx-auto mt-16 max-w-md rounded-lg border border-slate-200 bg-white p-8 shadow-sm">
      <h1 className="mb-4 text-2xl font-semibold">Page not found</h1>
      <p className="text-sm text-slate-700">This page could not be found. Check the address, or start again from the home page.</p>
      <Link href="/" className="mt-6 inline-block text-blue-700 underline">
        ChargeKeep home
      </Link>
    </main>
  );
}
