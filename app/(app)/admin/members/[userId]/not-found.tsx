import Link from "next/link";

export default function MemberNotFound() {
  return (
    <section aria-labelledby="nf-title">
      <h1 id="nf-title" className="text-2xl font-semibold">
        Member not found
      </h1>
      <p className="mt-2 text-sm text-slate-700">Nobody with that id is a member of this organization.</p>
      <p className="mt-4 text-sm">
        <Link href="/admin/members" className="text-blue-700 underline">
          All members
        </Link>
      </p>
    </section>
  );
}
