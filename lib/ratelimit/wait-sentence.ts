// No "server-only": proxy.ts words its 429s with it too.

/** "Wait 4 minutes and try again." Rounded up: telling someone to wait less than they must only costs them another try. */
export function waitSentence(seconds: number): string {
  const unit = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  const wait =
    seconds < 60 ? unit(Math.max(1, seconds), "second") : seconds < 3600 ? unit(Math.ceil(seconds / 60), "minute") : unit(Math.ceil(seconds / 3600), "hour");
  return `Wait ${wait} and try again.`;
}
