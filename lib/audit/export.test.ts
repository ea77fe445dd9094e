import { randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { GET as exportRoute } from "@/app/api/audit/export/route";
import { getDb } from "@/db";
import { auditEvents, users } from "@/db/schema";
import { useFakeClock } from "@/lib/clock";
import { expectAudited } from "@/tests/audit";
import { makeSession, makeSteppedUpSession, makeTotpFactor, makeUser } from "@/tests/factories";
import { csvCell, csvRecord, auditExportStream } from "./export";
import { recordAudit, type AuditEventInput } from "./index";
import { listAuditEvents } from "./list-events";

const db = () => getDb();

const ev = (organizationId: string, extra: Partial<AuditEventInput> = {}): AuditEventInput => ({
  organizationId,
  actorUserId: null,
  action: "role.updated",
  result: "success",
  ip: "203.0.113.7",
  userAgent: "vitest",
  ...extra,
});

const exportRequest = (token: string, query: string) =>
  new Request(`http://localhost:3000/api/audit/export?${query}`, { headers: { cookie: `ck_session=${token}` } });

/** A tiny RFC 4180 reader for the tests (quoted cells, doubled quotes, CRLF records). */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let cell = "";
  let record: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      record.push(cell);
      cell = "";
    } else if (ch === "\r" && text[i + 1] === "\n") {
      record.push(cell);
      records.push(record);
      record = [];
      cell = "";
      i++;
    } else cell += ch;
  }
  return records;
}

async function readAll(stream: ReadableStream<Uint8Array>) {
  const chunks: string[] = [];
  const decoder = new TextDecoder();
  for await (const chunk of stream as unknown as AsyncIterable<Uint8Array>) chunks.push(decoder.decode(chunk));
  return chunks;
}

/** An owner who just passed a second factor, in an organization with a few events. */
async function steppedUpOwner() {
  const owner = await makeUser();
  const token = (await makeSteppedUpSession(owner.user.id, owner.organizationId)).token;
  return { owner, token, orgId: owner.organizationId };
}

describe("CSV encoding", () => {
  it("V1.2.10 V16.4.1 RFC 4180: quotes, commas and line breaks are quoted, inner quotes doubled, records end with CRLF", () => {
    expect(csvCell("plain")).toBe("plain");
    expect(csvCell(null)).toBe("");
    expect(csvCell(42)).toBe("42");
    expect(csvCell('say "hi", then\nleave')).toBe('"say ""hi"", then\nleave"');
    expect(csvCell("a\r\nb")).toBe('"a\r\nb"');
    expect(csvRecord(["a", null, 'b"c'])).toBe('a,,"b""c"\r\n');
    expect(parseCsv(csvRecord(['x,"y"', "line1\nline2", "z"]))).toEqual([['x,"y"', "line1\nline2", "z"]]);
  });

  it("V1.2.10 cells that a spreadsheet would run as a formula get a leading apostrophe", () => {
    expect(csvCell("=HYPERLINK(\"http://evil.test\",\"click\")")).toBe(`"'=HYPERLINK(""http://evil.test"",""click"")"`);
    expect(csvCell("+1+1")).toBe("'+1+1");
    expect(csvCell("-2+3")).toBe("'-2+3");
    expect(csvCell("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(csvCell("\tcmd")).toBe("'\tcmd");
    expect(csvCell("\r=1")).toBe(`"'\r=1"`);
    expect(csvCell("a=b")).toBe("a=b"); // only a leading character counts
    expect(csvCell(-5)).toBe("-5"); // numbers we write ourselves are left alone
  });
});

describe("export stream", () => {
  it("V16.2.1 streams in keyset batches: every matching event once, newest first, one batch per pull", async () => {
    useFakeClock(new Date("2026-06-01T00:00:00Z")); // equal timestamps across batch boundaries
    const orgId = randomUUID();
    for (let i = 0; i < 23; i++) await recordAudit(db(), ev(orgId, { metadata: { i } }));
    const stream = auditExportStream(db(), orgId, {}, "jsonl", { pageSize: 5 });
    const chunks = await readAll(stream);
    expect(chunks.map((c) => c.trim().split("\n").length)).toEqual([5, 5, 5, 5, 3]);
    const lines = chunks.join("").trim().split("\n").map((l) => JSON.parse(l) as { id: string; seq: number; metadata: { i: number } });
    expect(lines.map((l) => l.metadata.i)).toEqual([...Array(23).keys()].reverse());
    expect(new Set(lines.map((l) => l.id)).size).toBe(23);

    const page = await listAuditEvents(db(), { organization: { id: orgId } }, {});
    expect(lines.map((l) => l.id)).toEqual(page.events.map((e) => e.id));
  });

  it("V16.2.1 reads nothing until asked, and stops reading when the client goes away", async () => {
    const orgId = randomUUID();
    for (let i = 0; i < 12; i++) await recordAudit(db(), ev(orgId));
    const reader = auditExportStream(db(), orgId, {}, "csv", { pageSize: 4 }).getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(first.split("\r\n").filter(Boolean)).toHaveLength(1 + 4); // header + one batch
    await reader.cancel();
  });
});

describe("GET /api/audit/export", () => {
  it("V8.2.1 a role without audit:export gets 403 and no file", async () => {
    const owner = await makeUser();
    for (const role of ["member", "accountant", "viewer"] as const) {
      const u = await makeUser({ organizationId: owner.organizationId, role });
      const token = (await makeSteppedUpSession(u.user.id, owner.organizationId)).token;
      const res = await exportRoute(exportRequest(token, "format=csv"));
      expect(res.status, role).toBe(403);
      expect(res.headers.get("content-disposition")).toBeNull();
    }
  });

  it("V8.2.1 V7.5.3 V16.3.2 without a recent second factor the export is refused (403 step_up_required) and the attempt is recorded as denied", async () => {
    const owner = await makeUser();
    await makeTotpFactor(owner.user.id);
    const token = (await makeSession(owner.user.id, owner.organizationId)).token; // password only
    const res = await exportRoute(exportRequest(token, "format=jsonl&result=denied"));
    expect(res.status).toBe(403);
    expect((await res.json()).error.code).toBe("step_up_required");
    await expectAudited(db(), { action: "audit.exported", organizationId: owner.organizationId, actorUserId: owner.user.id, result: "denied", metadata: { format: "jsonl", result: "denied" } });

    // someone without any second factor is told to set one up
    const bare = await makeUser();
    const bareToken = (await makeSession(bare.user.id, bare.organizationId)).token;
    const res2 = await exportRoute(exportRequest(bareToken, "format=csv"));
    expect(res2.status).toBe(403);
    expect((await res2.json()).error.code).toBe("mfa_enrolment_required");
  });

  it("V16.3.2 V16.2.1 V4.1.1 V5.4.1 a stepped-up admin downloads CSV; the export is itself recorded with its format and filters", async () => {
    const { owner, token, orgId } = await steppedUpOwner();
    await recordAudit(db(), ev(orgId, { actorUserId: owner.user.id, action: "member.removed", ip: "198.51.100.4", userAgent: "=cmd|' /C calc'!A0" }));
    await recordAudit(db(), ev(orgId, { actorUserId: owner.user.id, action: "mfa.failed", result: "failure" }));
    const res = await exportRoute(exportRequest(token, "format=csv&action=member."));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="audit-log-\d{4}-\d{2}-\d{2}\.csv"$/);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const [header, ...rows] = parseCsv(await res.text());
    expect(header!.slice(0, 3)).toEqual(["time_utc", "seq", "id"]);
    const col = (name: string) => header!.indexOf(name);
    expect(rows.map((r) => r[col("action")])).toEqual(["member.removed"]); // the filter applies (the export event is audit.*)
    expect(rows[0]![col("actor_email")]).toBe(owner.email);
    expect(rows[0]![col("user_agent")]).toBe("'=cmd|' /C calc'!A0"); // formula-guarded
    expect(rows[0]![col("ip")]).toBe("198.51.100.4");
    await expectAudited(db(), {
      action: "audit.exported",
      organizationId: orgId,
      actorUserId: owner.user.id,
      result: "success",
      metadata: { format: "csv", action: "member.", actor: null, result: null, ip: null, from: null, to: null },
    });
  });

  it("V16.2.1 V4.1.1 JSON Lines: one JSON object per line, each parses, with actor, target and hashes", async () => {
    const { owner, token, orgId } = await steppedUpOwner();
    await db().update(users).set({ name: '=HYPERLINK("http://evil.test")' }).where(eq(users.id, owner.user.id));
    await recordAudit(db(), ev(orgId, { actorUserId: owner.user.id, action: "role.deleted", targetType: "role", targetId: "r1", metadata: { name: "line\nbreak" } }));
    const res = await exportRoute(exportRequest(token, "format=jsonl&action=role.deleted"));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/x-ndjson; charset=utf-8");
    const text = await res.text();
    expect(text.endsWith("\n")).toBe(true);
    const lines = text.trim().split("\n").map((l) => JSON.parse(l));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      action: "role.deleted",
      actor: { userId: owner.user.id, email: owner.email, name: '=HYPERLINK("http://evil.test")' }, // JSON is data, not a spreadsheet
      target: { type: "role", id: "r1" },
      metadata: { name: "line\nbreak" },
      hash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    await expectAudited(db(), { action: "audit.exported", organizationId: orgId, metadata: { format: "jsonl", action: "role.deleted" } });
  });

  it("V8.4.1 an export holds only the session's organization, whatever the query says", async () => {
    const other = await makeUser();
    const foreign = await recordAudit(db(), ev(other.organizationId, { action: "member.removed" }));
    const { token } = await steppedUpOwner();
    const res = await exportRoute(exportRequest(token, `format=jsonl&organizationId=${other.organizationId}&actor=${other.email}`));
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).not.toContain(foreign.id);
    expect(text).not.toContain(other.organizationId);
  });

  it("V2.2.1 a bad format or filter is a 422 naming the field, and nothing is exported or recorded", async () => {
    const { token, orgId } = await steppedUpOwner();
    const count = async () => (await db().select({ id: auditEvents.id }).from(auditEvents).where(and(eq(auditEvents.organizationId, orgId), eq(auditEvents.action, "audit.exported")))).length;
    const res = await exportRoute(exportRequest(token, "format=xlsx&ip=999.1.1.1&from=2026-02-31"));
    expect(res.status).toBe(422);
    const { error } = await res.json();
    expect(Object.keys(error.fields).sort()).toEqual(["format", "from", "ip"]);
    expect(error.fields.format).toMatch(/csv or format=jsonl/);
    expect(await count()).toBe(0);
  });
});
