import type { Frame } from '../data/frame.js';
import { concatFrames, type Scores } from './score.js';

/**
 * Micro-batching: small requests that arrive within `waitMs` of each other
 * are scored by one predict call over their rows together, and each gets its
 * slice back. A predict call has a fixed cost (walking the pipeline, building
 * its frames) that a batch pays once. Requests larger than `SMALL_ROWS` gain
 * little from company and are scored at once.
 *
 * Waiting only pays when company is coming: when no other predict request
 * is being received (`othersArriving`), the batch is scored on the next turn
 * of the event loop instead, so a lone client never waits `waitMs`.
 */
export interface Scored {
  readonly scores: Scores;
  /** Where the request's rows start in `scores`. */
  readonly offset: number;
}

const SMALL_ROWS = 16;

interface Waiting {
  readonly frame: Frame;
  readonly resolve: (scored: Scored) => void;
  readonly reject: (error: unknown) => void;
}

export class MicroBatcher {
  private waiting: Waiting[] = [];
  private rows = 0;
  private timer: NodeJS.Timeout | undefined;
  private soon = false;

  constructor(
    private readonly score: (frame: Frame) => Scores,
    /** How long the first small request waits for company; 0 = no batching. */
    private readonly waitMs: number,
    /** A batch this large is scored without waiting further. */
    private readonly maxRows: number,
    /** Whether other requests have arrived whose bodies are still being read (they may join). */
    private readonly othersArriving: () => boolean = () => true,
  ) {}

  submit(frame: Frame): Promise<Scored> {
    if (this.waitMs <= 0 || frame.rowCount > SMALL_ROWS) {
      try {
        return Promise.resolve({ scores: this.score(frame), offset: 0 });
      } catch (error) {
        return Promise.reject(error);
      }
    }
    return new Promise<Scored>((resolve, reject) => {
      this.waiting.push({ frame, resolve, reject });
      this.rows += frame.rowCount;
      if (this.rows >= this.maxRows) this.flush();
      else if (!this.othersArriving()) this.flushSoon();
      else this.timer ??= setTimeout(() => this.flush(), this.waitMs);
    });
  }

  /** On the next turn of the event loop: requests submitted in this one join the batch. */
  private flushSoon(): void {
    if (this.soon) return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.soon = true;
    setImmediate(() => {
      this.soon = false;
      this.flush();
    });
  }

  /** Scores whatever is waiting now (also called when the server closes). */
  flush(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.waiting;
    this.waiting = [];
    this.rows = 0;
    if (batch.length === 0) return;
    let scores: Scores;
    try {
      scores = this.score(concatFrames(batch.map((w) => w.frame)));
    } catch {
      // One request's rows broke the batch: score each alone so only it fails.
      for (const w of batch) this.scoreAlone(w);
      return;
    }
    let offset = 0;
    for (const w of batch) {
      w.resolve({ scores, offset });
      offset += w.frame.rowCount;
    }
  }

  private scoreAlone(w: Waiting): void {
    try {
      w.resolve({ scores: this.score(w.frame), offset: 0 });
    } catch (error) {
      w.reject(error);
    }
  }
}
