/**
 * How many requests may be in flight, learnt from the server: AIMD, as TCP does with its congestion window. A 429
 * halves the window (once per window: the answers of requests sent before the cut say nothing new), a window's worth
 * of answers in a row adds one back, never above the configured concurrency nor below one. A server that throttles
 * is then asked more slowly for the rest of the run, instead of every request sleeping through its own Retry-After.
 */
export class AdaptiveLimit {
  private window: number;
  private active = 0;
  private readonly queue: Array<() => void> = [];
  private streak = 0;
  private lastCut = Number.NEGATIVE_INFINITY;
  private firstThrottle: number | undefined;
  private lastAnswer = 0;
  private answeredSince = 0;
  /** 429 answers seen. */
  throttled = 0;
  lowest: number;

  constructor(
    readonly max: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.window = Math.max(1, max);
    this.lowest = this.window;
  }

  /** Requests allowed in flight now. */
  get current(): number {
    return this.window;
  }

  /** Waits for a slot; resolves with the instant it was granted (what `throttle` compares with the last cut). */
  acquire(): Promise<number> {
    if (this.active < this.window) {
      this.active++;
      return Promise.resolve(this.now());
    }
    return new Promise((resolve) => this.queue.push(() => resolve(this.now())));
  }

  release(): void {
    this.active--;
    this.drain();
  }

  /** A 429 to a request granted its slot at `grantedAt`: halve, unless the window was already cut since. */
  throttle(grantedAt: number): void {
    this.throttled++;
    this.firstThrottle ??= this.now();
    this.streak = 0;
    if (grantedAt < this.lastCut) return;
    this.window = Math.max(1, Math.floor(this.window / 2));
    this.lowest = Math.min(this.lowest, this.window);
    this.lastCut = this.now();
  }

  /** Any answer but a 429: a window's worth in a row opens one more slot. */
  answered(): void {
    const now = this.now();
    if (this.firstThrottle !== undefined) {
      this.answeredSince++;
      this.lastAnswer = now;
    }
    if (++this.streak >= this.window && this.window < this.max) {
      this.window++;
      this.streak = 0;
      this.drain();
    }
  }

  /** Answers per second the server gave from its first 429 on; undefined when it never throttled. */
  allowedPerSecond(): number | undefined {
    if (this.firstThrottle === undefined) return undefined;
    const seconds = (this.lastAnswer - this.firstThrottle) / 1000;
    return seconds > 0 ? this.answeredSince / seconds : undefined;
  }

  private drain(): void {
    while (this.active < this.window && this.queue.length) {
      this.active++;
      this.queue.shift()!();
    }
  }
}
