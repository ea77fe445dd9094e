import Link from "next/link";

export default function HomePage() {
  return (
    <main className="mx-auto max-w-3xl px-6 py-20">
      <h1 className="text-4xl font-bold text-blue-900">ChargeKeep</h1>
      <p className="mt-4 text-lg text-slate-700">
        Balances, cash flow and transactions across your business bank accounts, in one place your whole finance team can
        trust. Read-only bank access by OAuth, encrypted at rest, every access recorded.
      </p>
      <div className="mt-8 flex gap-4">
        <Link href="/sign-in" className="rounded-md bg-blue-700 px-5 py-2 font-semibold text-white">Sign in</Link>
        <Link href="/sign-up" className="rounded-md border border-slate-300 bg-white px-5 py-2 font-semibold">Create an account</Link>
        <Link href="/contact" className="px-5 py-2 text-blue-700 underline">Contact</Link>
      </div>
    </main>
  );
}
