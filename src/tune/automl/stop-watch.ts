export interface StopWatch {
  /**
   * Waits for one of the running trials, or for the deadline or an abort,
   * whichever comes first; once the deadline or abort has come, for a trial
   * only (an already settled wake-up would make a waiting loop spin).
   */
  race(running: Iterable<Promise<void>>): Promise<void>;
  budgetSpent(): boolean;
  clear(): void;
}

/** Wakes a waiting loop at the deadline or on abort. */
export function stopWatch(secondsLeft: number, signal: AbortSignal | undefined): StopWatch {
  let spent = !(secondsLeft > 0);
  let fired = spent || signal?.aborted === true;
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const wakeUp = new Promise<void>((resolve) => {
    const fire = () => {
      fired = true;
      resolve();
    };
    if (Number.isFinite(secondsLeft) && !spent) {
      timer = setTimeout(() => {
        spent = true;
        fire();
      }, secondsLeft * 1000);
    }
    onAbort = fire;
    signal?.addEventListener('abort', onAbort, { once: true });
  });
  return {
    race: (running) => Promise.race(fired ? [...running] : [...running, wakeUp]),
    budgetSpent: () => spent,
    clear() {
      clearTimeout(timer);
      if (onAbort !== undefined) signal?.removeEventListener('abort', onAbort);
    },
  };
}
