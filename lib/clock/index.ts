/** The one source of "now" for time-based rules, so tests move time instead of sleeping. */
type Now = () => Date;

let current: Now = () => new Date();

export function now(): Date {
  return current();
}

export function setClock(fn: Now): void {
  current = fn;
}

export function resetClock(): void {
  current = () => new Date();
}

/** Test helper: freeze time at `start` and return a function that advances it. */
export function useFakeClock(start = new Date("2026-01-01T00:00:00Z")): { advance: (ms: number) => void; now: () => Date } {
  let t = start.getTime();
  setClock(() => new Date(t));
  return { advance: (ms) => void (t += ms), now: () => new Date(t) };
}
