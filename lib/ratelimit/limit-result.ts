/** What consume() answers, whichever store counted. */
export type LimitResult = {
  success: boolean;
  limit: number;
  remaining: number;
  /** Epoch ms when the current window ends. */
  resetAt: number;
  /** 0 when allowed. */
  retryAfterSeconds: number;
  /** The store could not answer and the policy's fail mode decided. */
  degraded: boolean;
};
