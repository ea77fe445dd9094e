/** A one-line confirmation after a redirect (e.g. ?created=1), announced politely. */
export function StatusNote({ children }: { children: React.ReactNode }) {
  return (
    <p role="status" className="mb-4 rounded-md bg-green-50 px-3 py-2 text-sm text-green-800">
      {children}
    </p>
  );
}
