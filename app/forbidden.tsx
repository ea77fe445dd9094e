import Link from "next/link";

export default function Forbidden() {
  return (
    <main className="mx-auto mt-16 max-w-md rounded-lg border border-slate-200 bg-white p-8 shadow-sm">
      <h1 className="mb-4 text-2xl font-semibold">You do not have permission to open this page</h1>
      <p className="text-sm text-slate-700">
        Your role in this organization does not include it. Ask an administrator if you need access.
      </p>
      <Link href="/dashboard" className="mt-6 inline-block text-blue-700 underline">
        Back to the dashboard
      </Link>
    </main>
  );
}
