import { decodeUtf8, findTextFault, MAX_INPUT_DEPTH } from "./boundary-text";
import { formatSize } from "./body";

/**
 * What proxy.ts lets through to a page's POST handler: Next's server-action machinery answers 500
 * to anything it cannot decode (a body over serverActions.bodySizeLimit, a broken multipart body,
 * a React reply it cannot read), so the proxy checks first and refuses with a 4xx and a sentence.
 *
 * Every form in the app is a server action wrapped by formAction(): the browser posts it as
 * multipart/form-data, either as a "fetch action" (Next-Action header; React's encoded reply, whose
 * root field "0" is the argument list) or, before the page's JavaScript has loaded, as a plain form
 * post carrying $ACTION_ fields. Anything else sent to a page is refused. No "server-only": the
 * proxy imports it.
 */

/** next.config.ts serverActions.bodySizeLimit (a test keeps the two equal). */
export const MAX_ACTION_BODY_BYTES = 256 * 1024;

/** Next refuses (with a 500) a server action called with more arguments than this. */
const MAX_ACTION_ARGS = 1000;

export type PostRefusal = { status: 400 | 413 | 415; code: string; message: string };

const FORM_UNREADABLE: PostRefusal = {
  status: 400,
  code: "malformed_form",
  message: "This form could not be read: the request is not a form from this page. Reload the page and try again.",
};

export const ACTION_BODY_TOO_LARGE: PostRefusal = {
  status: 413,
  code: "payload_too_large",
  message: `This form is larger than ${formatSize(MAX_ACTION_BODY_BYTES)}, the most a ChargeKeep form accepts. Shorten what you typed and try again.`,
};

export const ACTION_BODY_CUT_OFF: PostRefusal = {
  status: 400,
  code: "incomplete_body",
  message: "The form arrived incomplete (the connection ended early). Try again.",
};

/** Checked from the headers alone, before any of the body is read. */
export function pagePostHeaderFault(headers: Headers): PostRefusal | null {
  const type = headers.get("content-type") ?? "";
  if (!/^multipart\/form-data\s*;.*\bboundary=/i.test(type)) {
    return { status: 415, code: "unsupported_media_type", message: "ChargeKeep's pages accept only their own forms, sent as multipart/form-data. Use the form on the page." };
  }
  const declared = Number(headers.get("content-length") ?? "0");
  if (declared > MAX_ACTION_BODY_BYTES) return ACTION_BODY_TOO_LARGE;
  return null;
}

/** The body of a page POST (at most MAX_ACTION_BODY_BYTES, already counted): a refusal, or null. */
export async function pagePostBodyFault(headers: Headers, bytes: Uint8Array): Promise<PostRefusal | null> {
  // Forms are text: the whole body must be UTF-8 with no NUL byte (the app takes no file uploads).
  const text = decodeUtf8(bytes);
  if (text === null || text.includes("\0")) {
    return { status: 400, code: "invalid_text", message: "This form contains characters ChargeKeep cannot read (text that is not UTF-8, or a NUL character). Retype what you entered and try again." };
  }
  let form: FormData;
  try {
    form = await new Response(new Uint8Array(bytes), { headers: { "content-type": headers.get("content-type") ?? "" } }).formData();
  } catch {
    return FORM_UNREADABLE;
  }
  // No form in the app uploads a file.
  for (const value of form.values()) if (typeof value !== "string") return FORM_UNREADABLE;

  if (headers.has("next-action")) {
    // A fetch action: the root of React's reply is the argument list.
    const args = replyChunks(form, "");
    return args && Array.isArray(args.get(0)) && (args.get(0) as unknown[]).length <= MAX_ACTION_ARGS ? null : FORM_UNREADABLE;
  }
  // A form posted before the page's JavaScript loaded: $ACTION_ID_<id>, or $ACTION_REF_<n> whose
  // bound arguments travel as a reply under the "$ACTION_<n>:" prefix.
  const keys = [...form.keys()];
  if (keys.some((k) => /^\$ACTION_ID_[0-9a-f]{1,128}$/i.test(k))) return null;
  const ref = keys.find((k) => k.startsWith("$ACTION_REF_"));
  if (!ref) return FORM_UNREADABLE;
  const meta = replyChunks(form, `$ACTION_${ref.slice("$ACTION_REF_".length)}:`)?.get(0) as { id?: unknown; bound?: unknown } | undefined;
  const ok = !!meta && typeof meta === "object" && typeof meta.id === "string" && (meta.bound === null || typeof meta.bound === "string");
  return ok ? null : FORM_UNREADABLE;
}

/**
 * The JSON chunks of a React reply under `prefix` (fields "<prefix>0", "<prefix>1", ...), or null when
 * any is not JSON or uses a reference React would fail on. Only what the browser's encodeReply sends
 * for formAction()'s (previous state, form data) is allowed: plain JSON, "$undefined" and the
 * number spellings, escaped "$$" strings, "$K" form-data references, and "$@" references to a
 * later chunk that exists (forward only: no cycles, nothing left waiting).
 */
function replyChunks(form: FormData, prefix: string): Map<number, unknown> | null {
  const chunks = new Map<number, unknown>();
  for (const [key, value] of form.entries()) {
    if (!key.startsWith(prefix) || typeof value !== "string") continue;
    const id = key.slice(prefix.length);
    if (!/^\d{1,6}$/.test(id)) continue;
    try {
      chunks.set(Number(id), JSON.parse(value));
    } catch {
      return null;
    }
  }
  if (!chunks.has(0)) return null;
  for (const [id, chunk] of chunks) {
    if (findTextFault(chunk)) return null; // also bounds the depth (MAX_INPUT_DEPTH)
    if (!referencesAllowed(chunk, id, chunks)) return null;
  }
  return chunks;
}

const PLAIN_TOKENS = new Set(["$undefined", "$NaN", "$Infinity", "$-Infinity", "$-0"]);

function referencesAllowed(chunk: unknown, id: number, chunks: Map<number, unknown>): boolean {
  const stack: { v: unknown; depth: number }[] = [{ v: chunk, depth: 0 }];
  while (stack.length) {
    const { v, depth } = stack.pop()!;
    if (typeof v === "string") {
      if (!v.startsWith("$") || v.startsWith("$$") || PLAIN_TOKENS.has(v) || /^\$K[0-9a-f]{1,6}$/.test(v)) continue;
      const promise = /^\$@([0-9a-f]{1,6})$/.exec(v);
      if (promise && Number.parseInt(promise[1]!, 16) > id && chunks.has(Number.parseInt(promise[1]!, 16))) continue;
      return false;
    }
    if (v && typeof v === "object" && depth < MAX_INPUT_DEPTH) for (const child of Object.values(v)) stack.push({ v: child, depth: depth + 1 });
  }
  return true;
}
