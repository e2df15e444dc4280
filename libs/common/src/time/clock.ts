/**
 * Clock: the only source of time for anything with a timeout, roll, retention or session
 * expiry (Kafka's `Time`). Production code gets {@link systemClock}; tests get a
 * {@link ManualClock} and move time explicitly, so no test sleeps to wait for a timer.
 */
export interface TimerHandle {
  cancel(): void;
}

export interface Clock {
  /** Wall-clock milliseconds since the Unix epoch (record timestamps, retention). */
  nowMs(): number;
  /** Monotonic milliseconds for measuring intervals; never goes backwards. */
  monotonicMs(): number;
  /** Runs `callback` once after `delayMs`. */
  setTimer(delayMs: number, callback: () => void): TimerHandle;
  /** Resolves after `delayMs`. */
  sleep(delayMs: number): Promise<void>;
}

/** The real clock. Timers are unref'd so a pending timer never keeps a process alive by itself. */
export const systemClock: Clock = {
  nowMs: () => Date.now(),
  monotonicMs: () => performance.now(),
  setTimer(delayMs, callback) {
    const timer = setTimeout(callback, Math.max(0, delayMs));
    timer.unref();
    return { cancel: () => clearTimeout(timer) };
  },
  sleep: (delayMs) => new Promise((resolve) => setTimeout(resolve, Math.max(0, delayMs))),
};
