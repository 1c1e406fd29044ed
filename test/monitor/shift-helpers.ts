/** What the monitoring tests share: CSV writing and the diamonds shift (and keel from the sources). */
import { writeFileSync } from 'node:fs';
import { valueAt } from '../../src/data/column.js';
import type { Frame } from '../../src/data/frame.js';

export { keelIn } from '../helpers.js';

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
