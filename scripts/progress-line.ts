import type { BackupProgress, OnProgress } from "../lib/backup";

/**
 * The CLI's progress line for `npm run backup` and `npm run restore` (issue 22). On a terminal one
 * line is rewritten in place (\r); anywhere else (CI logs, a file) a plain line is printed at each
 * new step, at its completion, and at most every `everyMs` within one, so the log stays readable. The words come from
 * lib/backup (describeProgress), the same as the backups page shows.
 */
export function progressLine(describe: (p: BackupProgress) => string, out: NodeJS.WriteStream = process.stdout, everyMs = 5_000): { onProgress: OnProgress; end: () => void } {
  const tty = Boolean(out.isTTY);
  let width = 0;
  let lastStep = "";
  let lastAt = 0;
  const onProgress: OnProgress = (p) => {
    const text = describe(p);
    if (tty) {
      const line = text.slice(0, Math.max(20, (out.columns || 100) - 1));
      out.write(`\r${line.padEnd(width)}`);
      width = line.length;
      return;
    }
    const step = `${p.phase}:${p.target ?? ""}`;
    const now = Date.now();
    // A step's completion (done = total) is printed too: the log ends each step on its real numbers.
    const complete = p.total !== undefined && p.done === p.total;
    if (step === lastStep && !complete && now - lastAt < everyMs) return;
    lastStep = step;
    lastAt = now;
    out.write(`${text}\n`);
  };
  const end = () => {
    if (tty && width > 0) out.write("\n");
    width = 0;
  };
  return { onProgress, end };
}
