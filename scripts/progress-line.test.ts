import { describe, expect, it } from "vitest";
import { progressLine } from "./progress-line";

function fakeStream(isTTY: boolean) {
  const writes: string[] = [];
  return { writes, stream: { isTTY, columns: 80, write: (s: string) => writes.push(s) } as unknown as NodeJS.WriteStream };
}
const describe_ = (p: { phase: string; done?: number; total?: number }) => `${p.phase} ${p.done ?? ""}`.trim();

describe("the CLI progress line (npm run backup / restore)", () => {
  it("rewrites one line in place on a terminal and ends it with a newline", () => {
    const { writes, stream } = fakeStream(true);
    const line = progressLine(describe_, stream);
    line.onProgress({ phase: "encrypt", done: 100 });
    line.onProgress({ phase: "encrypt", done: 2 });
    line.end();
    expect(writes).toEqual(["\rencrypt 100", "\rencrypt 2  ", "\n"]);
  });

  it("prints plain lines in a log: one per step, repeats of a step at most every few seconds", () => {
    const { writes, stream } = fakeStream(false);
    const line = progressLine(describe_, stream, 60_000);
    line.onProgress({ phase: "dump" });
    line.onProgress({ phase: "encrypt", done: 1 });
    line.onProgress({ phase: "encrypt", done: 2 });
    line.onProgress({ phase: "encrypt", done: 3, total: 3 });
    line.onProgress({ phase: "upload", target: 1 } as never);
    line.onProgress({ phase: "upload", target: 2 } as never);
    line.end();
    // The step's completion is printed even inside the interval: a log ends each step on its real numbers.
    expect(writes).toEqual(["dump\n", "encrypt 1\n", "encrypt 3\n", "upload\n", "upload\n"]);
    expect(writes.every((w) => !w.includes("\r"))).toBe(true);
  });
});
