/** The diamonds shift the monitoring tests share. */
import type { Frame } from '../../src/data/frame.js';

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
