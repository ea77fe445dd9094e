"use client";

import { useEffect, useRef } from "react";

const POLL_MS = 2_000;

/**
 * Polls a JSON route every two seconds while `enabled`, for the progress displays. `onAnswer` gets
 * each answer and the time since polling started, and returns false to stop. A 429 waits five
 * times longer, a network error twice as long; any other refusal (signed out, no longer allowed,
 * gone) stops, since there is nothing more to show. `restartKey` starts a fresh round when it changes.
 */
export function usePoll<T>(url: string, enabled: boolean, onAnswer: (data: T, elapsedMs: number) => boolean, restartKey?: unknown): void {
  const answer = useRef(onAnswer);
  useEffect(() => {
    answer.current = onAnswer;
  });

  useEffect(() => {
    if (!enabled) return;
    const started = Date.now();
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      if (stopped) return;
      let delay = POLL_MS;
      try {
        const res = await fetch(url, { cache: "no-store", headers: { accept: "application/json" } });
        if (res.ok) {
          const data = (await res.json()) as T;
          if (stopped || !answer.current(data, Date.now() - started)) return;
        } else if (res.status === 429) delay = POLL_MS * 5;
        else return;
      } catch {
        delay = POLL_MS * 2; // offline for a moment: try again a little later
      }
      timer = setTimeout(poll, delay);
    };
    timer = setTimeout(poll, POLL_MS);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [enabled, url, restartKey]);
}
