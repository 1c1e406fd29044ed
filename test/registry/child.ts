import { type ChildProcess, spawn } from 'node:child_process';

const SCRIPT = new URL('./fixtures/store-child.ts', import.meta.url).pathname;

/** What the suite's child processes need to open the same store as the test. */
export interface StoreTarget {
  readonly url: string;
  readonly artifacts: string;
  readonly project?: string;
}

/** A running fixtures/store-child.ts, with its stdout as lines. */
export interface Child {
  readonly process: ChildProcess;
  /** Resolves with the first line (from the start) that passes `test`; rejects if the process fails first. */
  line(test: (line: string) => boolean): Promise<string>;
  /** Sends "go": the child starts writing. */
  go(): void;
}

export function startChild(target: StoreTarget, mode: string, ...args: (string | number)[]): Child {
  const child = spawn(
    'node',
    ['--import', 'tsx', SCRIPT, JSON.stringify(target), mode, ...args.map(String)],
    {
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  const lines: string[] = [];
  let pending = '';
  let stderr = '';
  const waiters: (() => void)[] = [];
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    const parts = (pending + chunk).split('\n');
    pending = parts.pop()!;
    lines.push(...parts);
    for (const wake of waiters.splice(0)) wake();
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    process: child,
    go: () => child.stdin.write('go\n'),
    async line(test) {
      for (;;) {
        const found = lines.find(test);
        if (found !== undefined) return found;
        const woke = new Promise<'line'>((resolve) => waiters.push(() => resolve('line')));
        const result = await Promise.race([woke, exited]);
        if (result !== 'line' && lines.find(test) === undefined) {
          throw new Error(`child ${mode} exited (${result}) before the expected line:\n${stderr}`);
        }
      }
    },
  };
}

/** Starts children, waits until all have opened the store, then lets them write at once. */
export async function startTogether(children: readonly Child[]): Promise<void> {
  await Promise.all(children.map((c) => c.line((l) => l === 'ready')));
  for (const c of children) c.go();
}
