import type { Artifact } from '../core/artifact.js';
import { declare, domain, type ParamsOf, param } from '../core/declare.js';
import { SchemaError, UsageError } from '../core/errors.js';
import { field, storedArtifact } from '../core/stored.js';
import { Frame } from '../data/frame.js';
import type { FittedTransformer, Transformer } from '../estimator/contract.js';
import { registerKind } from '../estimator/kinds.js';
import { numberColumn } from './columns.js';

/**
 * Calendar parts of datetime columns (epoch milliseconds, UTC), as pandas'
 * `.dt` accessors give them, one output column per part named `COLUMN:PART`:
 *
 * - year, month (1–12), day (1–31), dayOfWeek (Monday = 0 … Sunday = 6),
 *   dayOfYear (1–366), quarter (1–4), hour, minute, second (whole seconds);
 * - isWeekend (1 on Saturday and Sunday);
 * - elapsedDays: days since 1970-01-01 00:00 UTC, with the time of day as a
 *   fraction, so a model can follow a trend across years;
 * - isMissing: 1 where the time stamp is missing (every other part is NaN there).
 *
 * `parts: null` (the default) keeps the parts that take more than one value
 * in the training rows, decided per column at fit time and stored, so a
 * column of dates at midnight gets no hour, minute or second, and isMissing
 * appears only when training had gaps. `cyclical` adds `month_sin`/`month_cos`,
 * `dayOfWeek_sin`/`_cos` and `hour_sin`/`_cos` for those of the three that
 * are kept: on the circle, December sits next to January.
 */
export type DatePart =
  | 'year'
  | 'month'
  | 'day'
  | 'dayOfWeek'
  | 'dayOfYear'
  | 'quarter'
  | 'hour'
  | 'minute'
  | 'second'
  | 'isWeekend'
  | 'elapsedDays'
  | 'isMissing';

export const DATE_PARTS: readonly DatePart[] = [
  'year',
  'month',
  'day',
  'dayOfWeek',
  'dayOfYear',
  'quarter',
  'hour',
  'minute',
  'second',
  'isWeekend',
  'elapsedDays',
  'isMissing',
];

const KIND = 'date-parts';

export const DATE_PARTS_DECLARATION = declare({
  kind: KIND,
  summary: 'calendar parts of datetime columns (year, month, weekday, hour, …)',
  tasks: ['transform'],
  tags: { reads: ['datetime'] },
  params: {
    /** The parts to output, in DATE_PARTS order; null = those that vary in the training rows. */
    parts: param.of<readonly string[] | null>([domain.null(), domain.list(domain.enum(...DATE_PARTS))], {
      default: null,
      doc: 'the parts to output; null = those that take more than one value in training',
    }),
    cyclical: param.bool({
      default: false,
      doc: 'add the sine and cosine of month, weekday and hour, for those kept',
    }),
  },
  check(p) {
    if (p.parts !== null && p.parts.length === 0) {
      throw new UsageError('usage.bad-param', `${KIND}: parts is empty`, {
        location: { field: 'parts' },
        hint: `the parts are: ${DATE_PARTS.join(', ')} (or null, for those that vary in training)`,
      });
    }
  },
});

export type DatePartsParams = ParamsOf<typeof DATE_PARTS_DECLARATION.params>;

/** The parts with a period, and that period (month counts from 1, the others from 0). */
const CYCLES = [
  { part: 'month', period: 12, offset: 1 },
  { part: 'dayOfWeek', period: 7, offset: 0 },
  { part: 'hour', period: 24, offset: 0 },
] as const;

const DAY_MS = 86_400_000;
/** Days before the first of each month (index 1 … 12) in a common year. */
const DAYS_BEFORE_MONTH = [0, 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];

export function dateParts(params: Partial<DatePartsParams> = {}): Transformer<FittedDateParts> {
  const p = DATE_PARTS_DECLARATION.resolve(params);
  return {
    kind: KIND,
    params: p,
    fit(frame: Frame) {
      const parts = frame.names.map((name) => {
        const stamps = timestampsOf(frame, name);
        return p.parts === null ? varyingParts(stamps) : DATE_PARTS.filter((d) => p.parts!.includes(d));
      });
      return new FittedDateParts(p, frame.names, parts);
    },
  };
}

function timestampsOf(frame: Frame, name: string): Float64Array {
  const column = frame.column(name);
  if (column.storage !== 'number' || column.kind !== 'datetime') {
    throw new SchemaError(
      'schema.not-datetime',
      `${KIND} needs a datetime column, and "${name}" is ${column.kind}`,
      {
        location: { source: frame.source, column: name },
        hint: `read it as a date (--kind ${name}=datetime), or route it to another transformer`,
      },
    );
  }
  return column.values;
}

/** Writes every part of one time stamp into `out` (DATE_PARTS order). `clock` is reused, never allocated per row. */
function splitTimestamp(ms: number, clock: Date, out: Float64Array): void {
  if (Number.isNaN(ms)) {
    out.fill(Number.NaN);
    out[11] = 1;
    return;
  }
  clock.setTime(ms);
  const year = clock.getUTCFullYear();
  const month = clock.getUTCMonth() + 1;
  const day = clock.getUTCDate();
  const dayOfWeek = (clock.getUTCDay() + 6) % 7;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  out[0] = year;
  out[1] = month;
  out[2] = day;
  out[3] = dayOfWeek;
  out[4] = DAYS_BEFORE_MONTH[month]! + day + (leap && month > 2 ? 1 : 0);
  out[5] = Math.floor((month - 1) / 3) + 1;
  out[6] = clock.getUTCHours();
  out[7] = clock.getUTCMinutes();
  out[8] = clock.getUTCSeconds();
  out[9] = dayOfWeek >= 5 ? 1 : 0;
  out[10] = ms / DAY_MS;
  out[11] = 0;
}

/** The parts that take at least two values (missing counts as a value only for isMissing). */
function varyingParts(stamps: Float64Array): DatePart[] {
  const clock = new Date(0);
  const row = new Float64Array(DATE_PARTS.length);
  const first = new Float64Array(DATE_PARTS.length).fill(Number.NaN);
  const varies = new Uint8Array(DATE_PARTS.length);
  for (const ms of stamps) {
    splitTimestamp(ms, clock, row);
    for (let k = 0; k < row.length; k++) {
      const v = row[k]!;
      if (Number.isNaN(v)) continue;
      if (Number.isNaN(first[k]!)) first[k] = v;
      else if (v !== first[k]) varies[k] = 1;
    }
  }
  return DATE_PARTS.filter((_, k) => varies[k] === 1);
}

export class FittedDateParts implements FittedTransformer {
  readonly kind = KIND;

  constructor(
    readonly params: DatePartsParams,
    readonly inputNames: readonly string[],
    /** Per input column, the parts it outputs (before any sin/cos pairs). */
    readonly parts: readonly (readonly DatePart[])[],
  ) {}

  /** Per input column, its output names: the parts, then the sin/cos pairs. */
  private namesOf(j: number): string[] {
    const name = this.inputNames[j]!;
    const parts = this.parts[j]!;
    const cycles = this.cyclesOf(parts).flatMap(({ part }) => [`${part}_sin`, `${part}_cos`]);
    return [...parts, ...cycles].map((part) => `${name}:${part}`);
  }

  private cyclesOf(parts: readonly DatePart[]) {
    return this.params.cyclical ? CYCLES.filter((c) => parts.includes(c.part)) : [];
  }

  get outputNames(): readonly string[] {
    return this.inputNames.flatMap((_, j) => this.namesOf(j));
  }

  transform(frame: Frame): Frame {
    const columns = this.inputNames.flatMap((name, j) => {
      const values = this.split(timestampsOf(frame, name), this.parts[j]!);
      const names = this.namesOf(j);
      return values.map((v, k) => numberColumn(names[k]!, v));
    });
    return new Frame(columns, frame.source);
  }

  private split(stamps: Float64Array, parts: readonly DatePart[]): Float64Array[] {
    const at = parts.map((part) => DATE_PARTS.indexOf(part));
    const cycles = this.cyclesOf(parts);
    const outputs = Array.from(
      { length: parts.length + 2 * cycles.length },
      () => new Float64Array(stamps.length),
    );
    const clock = new Date(0);
    const row = new Float64Array(DATE_PARTS.length);
    const cycleAt = cycles.map(({ part }) => DATE_PARTS.indexOf(part));
    for (let i = 0; i < stamps.length; i++) {
      splitTimestamp(stamps[i]!, clock, row);
      for (let k = 0; k < at.length; k++) outputs[k]![i] = row[at[k]!]!;
      for (let c = 0; c < cycles.length; c++) {
        const { period, offset } = cycles[c]!;
        const angle = (2 * Math.PI * (row[cycleAt[c]!]! - offset)) / period;
        outputs[at.length + 2 * c]![i] = Math.sin(angle);
        outputs[at.length + 2 * c + 1]![i] = Math.cos(angle);
      }
    }
    return outputs;
  }

  toArtifact(): Artifact {
    return {
      kind: this.kind,
      version: 1,
      meta: { params: this.params, inputNames: this.inputNames, parts: this.parts },
      arrays: {},
    };
  }
}

function loadDateParts(artifact: Artifact, source: string): FittedDateParts {
  const stored = storedArtifact(artifact, source);
  const meta = stored.meta({
    params: field.params(DATE_PARTS_DECLARATION),
    inputNames: field.strings(),
    parts: field.list(field.list(field.enum(...DATE_PARTS))),
  });
  stored.arrays({});
  stored.length('meta.parts', meta.parts.length, meta.inputNames.length, 'one per input column');
  return new FittedDateParts(meta.params, meta.inputNames, meta.parts);
}

registerKind({
  declaration: DATE_PARTS_DECLARATION,
  role: 'transformer',
  build: (spec) => dateParts(DATE_PARTS_DECLARATION.resolve(spec.params)),
  load: loadDateParts,
});
