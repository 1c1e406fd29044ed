import { parentPort } from 'node:worker_threads';
import type { NumberColumn } from '../data/column.js';
import { type CentredColumn, centre, pearsonPairs, spearmanPairs } from './associations.js';
import { type HashSource, rowKeys } from './duplicates.js';
import { profileNumberColumn } from './profile.js';
import type { SortedValues } from './stats.js';
import type { ColumnProfile } from './types.js';

/**
 * The work a profile thread does. Typed arrays in jobs are on
 * SharedArrayBuffers, so a job carries the table's columns without copying them.
 */
export type ProfileJob =
  | {
      readonly type: 'number-column';
      readonly name: string;
      readonly kind: NumberColumn['kind'];
      readonly values: Float64Array;
      /** Whether the column enters the Pearson matrix, which needs its centred sums. */
      readonly centre: boolean;
    }
  | {
      readonly type: 'pearson';
      /** The correlated columns, in matrix order. */
      readonly columns: readonly Float64Array[];
      readonly centred: readonly CentredColumn[];
      readonly firstColumns: readonly number[];
    }
  | {
      readonly type: 'spearman';
      /** The correlated columns (all rows), the sample's rows (none: every row), each column's sample order. */
      readonly columns: readonly Float64Array[];
      readonly sampleRows: Int32Array | undefined;
      readonly orders: readonly SortedValues[];
      readonly firstColumns: readonly number[];
    }
  | {
      readonly type: 'row-keys';
      readonly sources: readonly HashSource[];
      readonly start: number;
      readonly end: number;
    };

export interface NumberColumnWork {
  readonly profile: ColumnProfile;
  readonly centred: CentredColumn | undefined;
}

export type JobMessage = { readonly id: number; readonly job: ProfileJob };
export type ResultMessage =
  | { readonly id: number; readonly result: unknown }
  | { readonly id: number; readonly error: string };

/** A column's values at the sample rows (the column itself when the table is its own sample). */
function sampledValues(values: Float64Array, rows: Int32Array | undefined): Float64Array {
  if (rows === undefined) return values;
  const sampled = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) sampled[i] = values[rows[i]!]!;
  return sampled;
}

function run(job: ProfileJob): [unknown, ArrayBuffer[]] {
  switch (job.type) {
    case 'number-column': {
      const column: NumberColumn = { storage: 'number', name: job.name, kind: job.kind, values: job.values };
      const centred = job.centre ? centre(job.values) : undefined;
      const work: NumberColumnWork = { profile: profileNumberColumn(column), centred };
      return [work, centred === undefined ? [] : [centred.missingRows.buffer as ArrayBuffer]];
    }
    case 'pearson': {
      const pairs = pearsonPairs(job.columns, job.centred, job.firstColumns);
      return [pairs, [pairs.buffer as ArrayBuffer]];
    }
    case 'spearman': {
      const sampled = job.columns.map((values) => sampledValues(values, job.sampleRows));
      const pairs = spearmanPairs(sampled, job.orders, job.firstColumns);
      return [pairs, [pairs.buffer as ArrayBuffer]];
    }
    case 'row-keys': {
      const keys = new Float64Array(job.end - job.start);
      rowKeys(job.sources, job.start, job.end, keys);
      return [keys, [keys.buffer as ArrayBuffer]];
    }
  }
}

parentPort?.on('message', ({ id, job }: JobMessage) => {
  let reply: ResultMessage;
  let transfer: ArrayBuffer[] = [];
  try {
    const [result, buffers] = run(job);
    reply = { id, result };
    transfer = buffers;
  } catch (error) {
    reply = { id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  }
  parentPort!.postMessage(reply, transfer);
});
