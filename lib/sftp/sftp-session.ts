import "server-only";
// ssh2 is CommonJS: a default import works under Node's ESM loader (tsx) as well as in Next and Vitest.
import ssh2, { type Attributes, type SFTPWrapper } from "ssh2";
import type { Database } from "@/db";
import { env } from "@/lib/env";
import { MAX_STATEMENT_BYTES, NOT_A_STATEMENT_NAME, StatementContentCheck, uploadFormatOf } from "@/lib/imports";
import { DownloadReader } from "./download-reader";
import { abortUpload, beginUpload, commitUpload, deleteFile, findFile, listFolder, openFile, renameFile, usedBytes, type PendingUpload, type SftpFile } from "./files";
import { onInboxFile } from "./inbox-hook";
import { logTransfer, type SessionActor } from "./transfers-log";
import { UploadRefusedError, UploadWriter } from "./upload-writer";
import { canonicalPath, displayPath, FOLDERS, parsePath, PathRefusedError, type Folder, type VirtualPath } from "./vfs";

const { OPEN_MODE, STATUS_CODE } = ssh2.utils.sftp;
const MAX_HANDLES = 32;

type Handle =
  | { kind: "dir"; path: VirtualPath; done: boolean }
  | { kind: "read"; file: SftpFile; reader: DownloadReader; queue: Promise<unknown> }
  | { kind: "write"; folder: Folder; name: string; upload: PendingUpload; writer: UploadWriter; inflight: Set<Promise<unknown>>; error: string | null };

/** A refusal with the SFTP status and a sentence for the person at the client. */
class Refusal extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

const DIR_ATTRS: Attributes = { mode: 0o40750, uid: 0, gid: 0, size: 0, atime: 0, mtime: 0 };
const fileAttrs = (f: SftpFile): Attributes => {
  const t = Math.floor(f.updatedAt.getTime() / 1000);
  return { mode: 0o100640, uid: 0, gid: 0, size: f.sizeBytes, atime: t, mtime: t };
};
const longname = (name: string, a: Attributes) => `${a.mode & 0o40000 ? "d" : "-"}rw-r----- 1 chargekeep chargekeep ${String(a.size).padStart(12)} ${name}`;

/**
 * One SFTP channel over the organization's virtual space. Every path goes through parsePath: there
 * is no real directory behind it. Writes and reads of one handle run in arrival order (a queue
 * per handle), because clients pipeline them and storage streams are sequential.
 */
export function serveSftp(db: Database, sftp: SFTPWrapper, actor: SessionActor, opts: { statementMaxBytes?: number } = {}): void {
  const handles = new Map<number, Handle>();
  let nextHandle = 1;
  const org = actor.organizationId;

  const newHandle = (h: Handle): Buffer => {
    if (handles.size >= MAX_HANDLES) throw new Refusal(STATUS_CODE.FAILURE, "Too many open files in this session.");
    const id = nextHandle++;
    handles.set(id, h);
    const b = Buffer.alloc(4);
    b.writeUInt32BE(id);
    return b;
  };
  const handleOf = (b: Buffer) => (b.length === 4 ? handles.get(b.readUInt32BE(0)) : undefined);
  const dropHandle = (b: Buffer) => handles.delete(b.readUInt32BE(0));

  const run = (reqid: number, op: () => Promise<void>): Promise<void> =>
    op().catch((e: unknown) => {
      if (e instanceof Refusal) return sftp.status(reqid, e.code, e.message);
      if (e instanceof PathRefusedError) return sftp.status(reqid, STATUS_CODE.PERMISSION_DENIED, e.message);
      if (e instanceof UploadRefusedError) return sftp.status(reqid, STATUS_CODE.FAILURE, e.message);
      console.error(`[sftp] ${(e as Error)?.message ?? e}`);
      sftp.status(reqid, STATUS_CODE.FAILURE, "The server could not complete that request.");
    });
  const fileAt = async (raw: string) => {
    const p = parsePath(raw);
    if (p.kind !== "file") throw new Refusal(STATUS_CODE.FAILURE, "That is a folder, not a file.");
    const f = await findFile(db, org, p.folder, p.name);
    if (!f) throw new Refusal(STATUS_CODE.NO_SUCH_FILE, "No such file.");
    return { p, f };
  };

  sftp.on("REALPATH", (reqid, path) => run(reqid, async () => {
    const canonical = canonicalPath(path);
    sftp.name(reqid, [{ filename: canonical, longname: canonical, attrs: DIR_ATTRS }]);
  }));

  const statPath = (reqid: number, path: string) => run(reqid, async () => {
    const p = parsePath(path);
    if (p.kind !== "file") return sftp.attrs(reqid, DIR_ATTRS);
    const f = await findFile(db, org, p.folder, p.name);
    if (!f) throw new Refusal(STATUS_CODE.NO_SUCH_FILE, "No such file.");
    sftp.attrs(reqid, fileAttrs(f));
  });
  sftp.on("STAT", statPath);
  sftp.on("LSTAT", statPath);

  sftp.on("OPENDIR", (reqid, path) => run(reqid, async () => {
    const p = parsePath(path);
    if (p.kind === "file") throw new Refusal(STATUS_CODE.FAILURE, "That is a file, not a folder.");
    sftp.handle(reqid, newHandle({ kind: "dir", path: p, done: false }));
  }));

  sftp.on("READDIR", (reqid, handle) => run(reqid, async () => {
    const h = handleOf(handle);
    if (h?.kind !== "dir") throw new Refusal(STATUS_CODE.FAILURE, "Invalid handle.");
    if (h.done) return sftp.status(reqid, STATUS_CODE.EOF);
    h.done = true;
    if (h.path.kind === "root") return sftp.name(reqid, FOLDERS.map((f) => ({ filename: f, longname: longname(f, DIR_ATTRS), attrs: DIR_ATTRS })));
    const files = await listFolder(db, org, (h.path as { folder: Folder }).folder);
    if (!files.length) return sftp.status(reqid, STATUS_CODE.EOF);
    sftp.name(reqid, files.map((f) => ({ filename: f.name, longname: longname(f.name, fileAttrs(f)), attrs: fileAttrs(f) })));
  }));

  sftp.on("OPEN", (reqid, filename, flags) => run(reqid, async () => {
    const p = parsePath(filename);
    if (p.kind !== "file") throw new Refusal(STATUS_CODE.FAILURE, "That is a folder, not a file.");
    const writing = (flags & OPEN_MODE.WRITE) !== 0;
    if (writing && (flags & (OPEN_MODE.READ | OPEN_MODE.APPEND))) throw new Refusal(STATUS_CODE.OP_UNSUPPORTED, "Files can be uploaded whole or downloaded, not edited in place.");
    if (!writing) {
      const f = await findFile(db, org, p.folder, p.name);
      if (!f) throw new Refusal(STATUS_CODE.NO_SUCH_FILE, "No such file.");
      const reader = new DownloadReader(() => openFile(f), f.sizeBytes);
      return sftp.handle(reqid, newHandle({ kind: "read", file: f, reader, queue: Promise.resolve() }));
    }
    if (p.folder !== "inbox") throw new Refusal(STATUS_CODE.PERMISSION_DENIED, "Upload to /inbox: /outbox holds the files ChargeKeep delivers to you.");
    // ASVS V5.2.2: /inbox takes statements only, by name here and by content as the bytes arrive.
    const format = uploadFormatOf(p.name);
    if (!format) {
      await logTransfer(db, actor, { operation: "upload", path: displayPath(p), result: "refused", detail: NOT_A_STATEMENT_NAME });
      throw new Refusal(STATUS_CODE.PERMISSION_DENIED, NOT_A_STATEMENT_NAME);
    }
    if (flags & OPEN_MODE.EXCL && (await findFile(db, org, p.folder, p.name))) throw new Refusal(STATUS_CODE.FAILURE, "A file with that name already exists.");
    const { SFTP_MAX_FILE_BYTES, SFTP_QUOTA_BYTES } = env();
    const room = SFTP_QUOTA_BYTES - (await usedBytes(db, org));
    const upload = await beginUpload(db, { organizationId: org, folder: p.folder, userId: actor.userId });
    // A statement is read whole for import: nothing larger is taken in.
    const writer = new UploadWriter(upload, { maxFileBytes: Math.min(SFTP_MAX_FILE_BYTES, opts.statementMaxBytes ?? MAX_STATEMENT_BYTES), roomBytes: room, check: new StatementContentCheck(format) });
    sftp.handle(reqid, newHandle({ kind: "write", folder: p.folder, name: p.name, upload, writer, inflight: new Set(), error: null }));
  }));

  sftp.on("WRITE", (reqid, handle, offset, data) => {
    const h = handleOf(handle);
    if (h?.kind !== "write") return sftp.status(reqid, STATUS_CODE.FAILURE, "Invalid handle.");
    if (h.error) return sftp.status(reqid, STATUS_CODE.FAILURE, h.error);
    // Not queued: the writer orders writes by offset itself and answers each once it is written.
    const write = h.writer.write(offset, data).then(
      () => sftp.status(reqid, STATUS_CODE.OK),
      async (e: unknown) => {
        h.error ??= e instanceof UploadRefusedError ? e.message : "The upload failed on the server.";
        await h.writer.abort(e as Error);
        sftp.status(reqid, STATUS_CODE.FAILURE, h.error);
      },
    );
    h.inflight.add(write);
    void write.finally(() => h.inflight.delete(write));
  });

  sftp.on("READ", (reqid, handle, offset, length) => {
    const h = handleOf(handle);
    if (h?.kind !== "read") return sftp.status(reqid, STATUS_CODE.FAILURE, "Invalid handle.");
    h.queue = h.queue.then(() => run(reqid, async () => {
      const chunk = await h.reader.read(offset, Math.min(length, 256 * 1024));
      if (!chunk) return sftp.status(reqid, STATUS_CODE.EOF);
      sftp.data(reqid, chunk);
    }));
  });

  sftp.on("FSTAT", (reqid, handle) => {
    const h = handleOf(handle);
    if (!h) return sftp.status(reqid, STATUS_CODE.FAILURE, "Invalid handle.");
    sftp.attrs(reqid, h.kind === "read" ? fileAttrs(h.file) : h.kind === "dir" ? DIR_ATTRS : { ...DIR_ATTRS, mode: 0o100640 });
  });
  // Times and modes are not kept: accepted and ignored, so `put -p` and similar do not fail.
  sftp.on("SETSTAT", (reqid) => sftp.status(reqid, STATUS_CODE.OK));
  sftp.on("FSETSTAT", (reqid) => sftp.status(reqid, STATUS_CODE.OK));

  sftp.on("CLOSE", (reqid, handle) => {
    const h = handleOf(handle);
    if (!h) return sftp.status(reqid, STATUS_CODE.FAILURE, "Invalid handle.");
    dropHandle(handle);
    if (h.kind === "dir") return sftp.status(reqid, STATUS_CODE.OK);
    if (h.kind === "read") {
      h.reader.close();
      return run(reqid, async () => {
        await h.queue;
        await logTransfer(db, actor, { operation: "download", path: `/${h.file.folder}/${h.file.name}`, bytes: h.reader.served, result: "ok", fileId: h.file.id });
        sftp.status(reqid, STATUS_CODE.OK);
      });
    }
    run(reqid, async () => {
      h.writer.failGaps();
      await Promise.allSettled([...h.inflight]);
      const path = `/${h.folder}/${h.name}`;
      if (h.error) {
        await abortUpload(db, h.upload);
        await logTransfer(db, actor, { operation: "upload", path, result: "refused", detail: h.error });
        throw new Refusal(STATUS_CODE.FAILURE, h.error);
      }
      let stored: SftpFile;
      try {
        const result = await h.writer.finish();
        stored = await commitUpload(db, { fileId: h.upload.fileId, organizationId: org, folder: h.folder, name: h.name, ...result });
      } catch (e) {
        await h.writer.abort();
        await abortUpload(db, h.upload);
        const refused = e instanceof UploadRefusedError;
        await logTransfer(db, actor, { operation: "upload", path, result: refused ? "refused" : "failed", detail: refused ? e.message : "storage failure" });
        throw e;
      }
      await logTransfer(db, actor, { operation: "upload", path, bytes: stored.sizeBytes, result: "ok", fileId: stored.id });
      await onInboxFile(db, stored, actor);
      sftp.status(reqid, STATUS_CODE.OK);
    });
  });

  sftp.on("REMOVE", (reqid, path) => run(reqid, async () => {
    const { f } = await fileAt(path);
    await deleteFile(db, f);
    await logTransfer(db, actor, { operation: "delete", path: displayPath(parsePath(path)), bytes: f.sizeBytes, result: "ok", fileId: f.id });
    sftp.status(reqid, STATUS_CODE.OK);
  }));

  sftp.on("RENAME", (reqid, from, to) => run(reqid, async () => {
    const { p, f } = await fileAt(from);
    const target = parsePath(to);
    if (target.kind !== "file" || target.folder !== p.folder) throw new Refusal(STATUS_CODE.PERMISSION_DENIED, "Files can be renamed within their folder only.");
    // The content was checked as the format its upload name said: a rename may not change that.
    if (p.folder === "inbox" && uploadFormatOf(target.name) !== uploadFormatOf(p.name)) throw new Refusal(STATUS_CODE.PERMISSION_DENIED, `${NOT_A_STATEMENT_NAME} A rename keeps the file's type.`);
    if (await findFile(db, org, target.folder, target.name)) throw new Refusal(STATUS_CODE.FAILURE, "A file with that name already exists.");
    await renameFile(db, f, target);
    await logTransfer(db, actor, { operation: "rename", path: `${displayPath(p)} -> ${displayPath(target)}`, result: "ok", fileId: f.id });
    // Clients that upload under a temporary name (WinSCP's .filepart) rename at the end: import then.
    await onInboxFile(db, { ...f, name: target.name }, actor);
    sftp.status(reqid, STATUS_CODE.OK);
  }));

  const refuse = (message: string, code: number = STATUS_CODE.PERMISSION_DENIED) => (reqid: number) => sftp.status(reqid, code, message);
  sftp.on("MKDIR", refuse("Folders cannot be created: your space has only /inbox and /outbox."));
  sftp.on("RMDIR", refuse("/inbox and /outbox cannot be removed."));
  sftp.on("SYMLINK", refuse("Links are not supported.", STATUS_CODE.OP_UNSUPPORTED));
  sftp.on("READLINK", refuse("Links are not supported.", STATUS_CODE.OP_UNSUPPORTED));

  // The client's end of input (OpenSSH sftp at the end of a batch) closes the channel from our side too.
  sftp.on("end", () => sftp.end());
  sftp.on("close", () => {
    for (const h of handles.values()) {
      if (h.kind === "read") h.reader.close();
      if (h.kind === "write") void h.writer.abort().then(() => abortUpload(db, h.upload)).catch(() => undefined);
    }
    handles.clear();
  });
}
