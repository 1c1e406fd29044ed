import { formatSeconds } from '../report/format.js';

/**
 * Progress for long work, on stderr so that stdout stays clean for --json.
 * On a terminal: one line redrawn in place, with a bar, counts, elapsed time
 * and an estimate of what remains. Elsewhere (CI logs, pipes): a plain line
 * when a stage starts, at most one line every `plainEveryMs` while it runs,
 * and one when it ends.
 */
export interface ProgressOptions {
  readonly stream?: NodeJS.WriteStream;
  readonly plainEveryMs?: number;
  readonly now?: () => number;
}

export class Progress {
  private readonly stream: NodeJS.WriteStream;
  private readonly tty: boolean;
  private readonly plainEveryMs: number;
  private readonly now: () => number;
  private label = '';
  private startedAt = 0;
  private lastPrintAt = 0;

  constructor(options: ProgressOptions = {}) {
    this.stream = options.stream ?? process.stderr;
    this.tty = this.stream.isTTY === true;
    this.plainEveryMs = options.plainEveryMs ?? 5000;
    this.now = options.now ?? (() => Date.now());
  }

  start(label: string): void {
    this.label = label;
    this.startedAt = this.now();
    this.lastPrintAt = this.startedAt;
    if (!this.tty) this.stream.write(`${label}…\n`);
  }

  /** `detail` replaces the `done/total` count (e.g. when done and total are seconds of a budget). */
  update(done: number, total: number, detail?: string): void {
    const now = this.now();
    if (this.tty) {
      if (now - this.lastPrintAt < 50 && done < total) return;
      this.lastPrintAt = now;
      this.stream.write(`\r\x1b[2K${this.line(done, total, now, detail)}`);
    } else if (now - this.lastPrintAt >= this.plainEveryMs) {
      this.lastPrintAt = now;
      this.stream.write(`${this.line(done, total, now, detail)}\n`);
    }
  }

  finish(summary?: string): void {
    const seconds = formatSeconds((this.now() - this.startedAt) / 1000);
    const text = `${this.label}: ${summary === undefined ? 'done' : summary} in ${seconds}`;
    this.stream.write(this.tty ? `\r\x1b[2K${text}\n` : `${text}\n`);
  }

  private line(done: number, total: number, now: number, detail?: string): string {
    const share = total > 0 ? Math.min(1, done / total) : 0;
    const width = 24;
    const filled = Math.round(share * width);
    const elapsedMs = now - this.startedAt;
    const remainingMs = share > 0 ? (elapsedMs / share) * (1 - share) : Number.NaN;
    const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
    // No estimate until some work is done: "?" reads better there than a dash.
    const remaining = Number.isFinite(remainingMs) ? formatSeconds(remainingMs / 1000) : '?';
    const left = `${formatSeconds(elapsedMs / 1000)} elapsed, ${remaining} left`;
    return detail === undefined
      ? `${this.label} ${bar} ${done}/${total} ${left}`
      : `${this.label} ${bar} ${left} · ${detail}`;
  }
}
