/**
 * The Content-Disposition of a download (RFC 6266): `attachment`, an ASCII file name in quotes that
 * no character of the name can break out of, and, when the name is not plain ASCII, the exact name
 * in RFC 8187 encoding (`filename*=UTF-8''…`), which browsers prefer. Today's names are generated
 * from dates; this keeps any future name (an account's, a user's) from changing the header.
 */
export function contentDisposition(filename: string): string {
  const ascii =
    filename
      .normalize("NFKD")
      .replace(/[^\x20-\x7e]/g, "") // accents dropped, other non-ASCII and control characters removed
      .replace(/["\\;]/g, "_")
      .trim() || "download";
  if (ascii === filename) return `attachment; filename="${ascii}"`;
  const exact = encodeURIComponent(filename).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${exact}`;
}
