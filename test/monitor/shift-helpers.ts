/** What the monitoring tests share: keel run from the sources, CSV writing, and the diamonds shift. */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { valueAt } from '../../src/data/column.js';
import type { Frame } from '../../src/data/frame.js';

const MAIN = new URL('../../src/cli/main.ts', import.meta.url).pathname;

export interface Ran {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** `keel ARGS…` from the sources (no build needed), with the given environment. */
export function keelIn(env: NodeJS.ProcessEnv): (...args: string[]) => Ran {
  return (...args) => {
    const script = `import(${JSON.stringify(MAIN)}).then((cli) => cli.main(${JSON.stringify(args)}))`;
    const result = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { encoding: 'utf8', env });
    return { code: result.status, stdout: result.stdout, stderr: result.stderr };
  };
}

export function writeCsv(path: string, frame: Frame): void {
  const lines = [frame.names.join(',')];
  for (let i = 0; i < frame.rowCount; i++) {
    lines.push(frame.columns.map((c) => String(valueAt(c, i) ?? '')).join(','));
  }
  writeFileSync(path, `${lines.join('\n')}\n`);
}

/** The new regime: every stone 'Ideal' and carats × 1.5, with the prices they had. */
export function shiftDiamonds(frame: Frame): Frame {
  const carat = frame.column('carat') as { values: Float64Array };
  const cut = frame.column('cut') as { codes: Int32Array; levels: readonly string[] };
  const ideal = cut.levels.indexOf('Ideal');
  return frame
    .withColumn({
      storage: 'number',
      name: 'carat',
      kind: 'numeric',
      values: carat.values.map((c) => c * 1.5),
    })
    .withColumn({
      storage: 'categorical',
      name: 'cut',
      kind: 'categorical',
      codes: cut.codes.map(() => ideal),
      levels: cut.levels,
    });
}
