/**
 * The virtual tree every organization sees: `/`, `/inbox`, `/outbox` and files directly inside
 * those two. Paths are parsed into this shape and never joined onto a real directory, so there is
 * nothing to traverse: `..`, absolute escapes, hidden names and anything deeper are refused here.
 */
export const FOLDERS = ["inbox", "outbox"] as const;
export type Folder = (typeof FOLDERS)[number];

export type VirtualPath = { kind: "root" } | { kind: "folder"; folder: Folder } | { kind: "file"; folder: Folder; name: string };

export class PathRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PathRefusedError";
  }
}

/** Plain names only: letters, digits, space, . _ - ( ), not starting with a dot, up to 200 characters. */
const NAME = /^[A-Za-z0-9_(-][A-Za-z0-9 ._()-]{0,199}$/;

export function isValidName(name: string): boolean {
  return NAME.test(name) && !name.endsWith(" ") && !name.endsWith(".");
}

/** Parses a client path (absolute, or relative to `/`). Refuses rather than normalises `..`. */
export function parsePath(raw: string): VirtualPath {
  if (raw.length > 400 || raw.includes("\0") || raw.includes("\\")) throw new PathRefusedError("That path is not allowed.");
  const segments = raw.split("/").filter((s) => s !== "" && s !== ".");
  if (segments.some((s) => s === "..")) throw new PathRefusedError("'..' is not allowed: your space has only /inbox and /outbox.");
  if (segments.length === 0) return { kind: "root" };
  const folder = segments[0] as Folder;
  if (!(FOLDERS as readonly string[]).includes(folder)) throw new PathRefusedError("Only /inbox and /outbox exist in your space.");
  if (segments.length === 1) return { kind: "folder", folder };
  if (segments.length > 2) throw new PathRefusedError("Folders cannot be created: put files directly in /inbox or /outbox.");
  const name = segments[1]!;
  if (!isValidName(name)) throw new PathRefusedError("File names may use letters, digits, spaces, . _ - ( ) and may not start with a dot.");
  return { kind: "file", folder, name };
}

/**
 * What REALPATH answers: a lexical canonical form inside the virtual root (`..` stops at `/`).
 * It names nothing real; every operation still goes through parsePath.
 */
export function canonicalPath(raw: string): string {
  const out: string[] = [];
  for (const s of raw.split("/")) {
    if (s === "" || s === ".") continue;
    if (s === "..") out.pop();
    else out.push(s);
  }
  return `/${out.join("/")}`;
}

export function displayPath(p: VirtualPath): string {
  return p.kind === "root" ? "/" : p.kind === "folder" ? `/${p.folder}` : `/${p.folder}/${p.name}`;
}
