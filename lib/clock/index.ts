/** The one source of "now" for time-based rules, so tests move time instead of sleeping. */
type Now = () => Date;

// On globalThis, not in module scope: a test that re-imports modules (vi.resetModules) gets a new
// copy of this module, and every copy must read the same clock (a store cached by an older copy too).
const CLOCK = Symbol.for("chargekeep.clock");
const holder = globalThis as { [CLOCK]?: Now };
const realNow: Now = () => new Date();

export function now(): Date {
  return (holder[CLOCK] ?? realNow)();
}

export function setClock(fn: Now): void {
  holder[CLOCK] = fn;
}

export function resetClock(): void {
  holder[CLOCK] = realNow;
}

/** Test helper: freeze time at `start` and return a function that advances it. */
export function useFakeClock(start = new Date("2026-01-01T00:00:00Z")): { advance: (ms: number) => void; now: () => Date } {
  let t = start.getTime();
  setClock(() => new Date(t));
  return { advance: (ms) => void (t += ms), now: () => new Date(t) };
}
