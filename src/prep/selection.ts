import type { Artifact, TypedArray } from '../core/artifact.js';
import { SchemaError, UsageError } from '../core/errors.js';
import { array, elements } from '../core/stored.js';
import type { Frame } from '../data/frame.js';
import type { FittedTransformer, Params, Target } from '../estimator/contract.js';
import { checkTargetLength, numericValues } from './columns.js';

/**
 * What the feature selectors share: they read numeric columns (the target's
 * column, if the frame still holds it, is not a feature), and a fitted
 * selector passes the columns it kept through unchanged, in their order.
 */

/** The frame's columns other than the target's. */
export function featureNames(frame: Frame, y: Target | undefined): string[] {
  return y === undefined ? frame.names : frame.names.filter((n) => n !== y.name);
}

/** Each feature's values; a SchemaError names the first column that is not numeric. */
export function numericFeatures(frame: Frame, names: readonly string[], kind: string): Float64Array[] {
  return names.map((name) => numericValues(frame, name, kind));
}

/** Scores that need every value refuse a missing one, naming its column and row. */
export function rejectMissingFeatures(
  frame: Frame,
  names: readonly string[],
  columns: readonly Float64Array[],
  kind: string,
): void {
  columns.forEach((values, j) => {
    const row = values.findIndex((v) => !Number.isFinite(v));
    if (row < 0) return;
    throw new SchemaError(
      'schema.missing-values',
      `${kind} cannot score a column with missing values (row ${row + 1})`,
      {
        location: { source: frame.source, column: names[j] },
        hint: 'add an imputer (e.g. simpleImputer or knnImputer) before the selector',
      },
    );
  });
}

export function requireSelectionTarget(y: Target | undefined, kind: string, rows: number): Target {
  if (y !== undefined) {
    checkTargetLength(y, rows, kind);
    return y;
  }
  throw new UsageError('usage.no-target', `${kind} scores features against a target, and none was given`, {
    location: { field: 'target' },
    hint: 'pass the target to fit (fit(frame, target)), or name the column to predict (--target COL)',
  });
}

/** A 0/1 mask of the kept features; a UsageError when none is kept. */
export function supportOf(
  keep: (j: number) => boolean,
  count: number,
  kind: string,
  field: string,
): Uint8Array {
  const support = new Uint8Array(count);
  for (let j = 0; j < count; j++) support[j] = keep(j) ? 1 : 0;
  if (count > 0 && !support.includes(1)) {
    throw new UsageError('usage.nothing-selected', `${kind} keeps no feature`, {
      location: { field },
      hint: `lower ${field}, so that at least one column passes`,
    });
  }
  return support;
}

/** A stored support: one 0 or 1 per input column. */
export function storedSupport(columns: number) {
  return array.u8(columns, elements.between(0, 1));
}

/** A fitted selector: the input columns and which of them it keeps. */
export abstract class FittedSelector implements FittedTransformer {
  abstract readonly kind: string;
  abstract readonly params: Params;

  constructor(
    readonly inputNames: readonly string[],
    /** 1 for each input column kept, 0 for each dropped. */
    readonly support: Uint8Array,
  ) {}

  get outputNames(): readonly string[] {
    return this.inputNames.filter((_, j) => this.support[j] === 1);
  }

  /** The kept columns; the dropped ones must be there too, so a frame unlike the training one is refused. */
  transform(frame: Frame): Frame {
    for (const name of this.inputNames) frame.column(name);
    return frame.select(this.outputNames);
  }

  /** The statistics each selector keeps besides its support. */
  protected abstract statistics(): { meta: Artifact['meta']; arrays: Record<string, TypedArray> };

  toArtifact(): Artifact {
    const { meta, arrays } = this.statistics();
    return {
      kind: this.kind,
      version: 1,
      meta: { params: this.params, inputNames: this.inputNames, ...meta },
      arrays: { support: this.support, ...arrays },
    };
  }
}
