/**
 * ManualClock: a Clock for tests (Kafka's `MockTime`). Time moves only when a test calls
 * {@link ManualClock.advance}; timers due by then fire in due-time order (ties in creation order),
 * and a timer scheduled by a firing timer fires in the same advance if it is due.
 */
import type { Clock, TimerHandle } from './clock.js';

interface PendingTimer {
  dueMs: number;
  sequence: number;
  callback: () => void;
}

export class ManualClock implements Clock {
  private currentMs: number;
  private sequence = 0;
  private readonly timers = new Set<PendingTimer>();

  constructor(startMs = 1_700_000_000_000) {
    this.currentMs = startMs;
  }

  nowMs(): number {
    return this.currentMs;
  }

  monotonicMs(): number {
    return this.currentMs;
  }

  setTimer(delayMs: number, callback: () => void): TimerHandle {
    const timer: PendingTimer = { dueMs: this.currentMs + Math.max(0, delayMs), sequence: this.sequence++, callback };
    this.timers.add(timer);
    return { cancel: () => this.timers.delete(timer) };
  }

  sleep(delayMs: number): Promise<void> {
    return new Promise((resolve) => this.setTimer(delayMs, resolve));
  }

  /** Number of timers not yet fired or cancelled. */
  get pendingTimers(): number {
    return this.timers.size;
  }

  /** Moves time forward by `deltaMs`, firing every timer that falls due on the way. */
  advance(deltaMs: number): void {
    if (deltaMs < 0) throw new Error(`ManualClock cannot go backwards (${deltaMs} ms)`);
    const targetMs = this.currentMs + deltaMs;
    for (;;) {
      const next = this.nextDue(targetMs);
      if (next === undefined) break;
      this.timers.delete(next);
      this.currentMs = next.dueMs;
      next.callback();
    }
    this.currentMs = targetMs;
  }

  private nextDue(limitMs: number): PendingTimer | undefined {
    let best: PendingTimer | undefined;
    for (const timer of this.timers) {
      if (timer.dueMs > limitMs) continue;
      if (!best || timer.dueMs < best.dueMs || (timer.dueMs === best.dueMs && timer.sequence < best.sequence)) {
        best = timer;
      }
    }
    return best;
  }
}
