import { describe, expect, it } from 'vitest';
import { Frame } from '../../src/data/frame.js';
import { referenceProfile } from '../../src/drift/reference.js';
import { currentData, describeWindow, parseWindow, splitWindows } from '../../src/monitor/window.js';
import type { PredictionRecord } from '../../src/registry/types.js';

function record(at: number, rows: number, extra: Partial<PredictionRecord> = {}): PredictionRecord {
  return {
    requestId: `r${at}`,
    model: 'm',
    version: 1,
    at,
    latencyMs: 1,
    rows,
    inputs: { x: Array.from({ length: rows }, (_, i) => i) },
    outputs: { predictions: Array.from({ length: rows }, () => 0) },
    ...extra,
  };
}

describe('parseWindow', () => {
  it('reads spans of time and counts of rows', () => {
    expect(parseWindow('1h')).toEqual({ kind: 'time', ms: 3_600_000 });
    expect(parseWindow('30m')).toEqual({ kind: 'time', ms: 1_800_000 });
    expect(parseWindow('2d')).toEqual({ kind: 'time', ms: 172_800_000 });
    expect(parseWindow('5000rows')).toEqual({ kind: 'rows', rows: 5000 });
    expect(parseWindow('200 rows')).toEqual({ kind: 'rows', rows: 200 });
    expect(describeWindow(parseWindow('90m'))).toBe('90m');
    expect(describeWindow(parseWindow('1d'))).toBe('1d');
    expect(describeWindow(parseWindow('5000rows'))).toBe('5000 rows');
  });

  it('refuses what is not a window, naming the option', () => {
    for (const bad of ['', 'hour', '0rows', '10x', '-1h', '0.1s']) {
      expect(() => parseWindow(bad)).toThrow(expect.objectContaining({ code: 'usage.bad-window' }));
    }
  });
});

describe('splitWindows', () => {
  const hour = 3_600_000;
  const now = 10 * hour;

  it('cuts time back from now, leaving empty spans out and older records beyond the count', () => {
    const records = [0.5, 6.2, 6.9, 8.1, 9.5, 9.9].map((h) => record(h * hour, 1));
    const windows = splitWindows(records, { kind: 'time', ms: hour }, 4, now);
    // Spans (9,10], (8,9], (7,8] (empty), (6,7]; 0.5 h is older than four spans.
    expect(windows.map((w) => w.map((r) => r.at / hour))).toEqual([[6.2, 6.9], [8.1], [9.5, 9.9]]);
  });

  it('cuts rows back from the newest without splitting a request', () => {
    const records = [3, 2, 2, 1, 4].map((rows, i) => record(i, rows));
    const windows = splitWindows(records, { kind: 'rows', rows: 4 }, 10, now);
    expect(windows.map((w) => w.map((r) => r.rows))).toEqual([[3], [2, 2, 1], [4]]);
    expect(splitWindows(records, { kind: 'rows', rows: 4 }, 1, now)).toEqual([records.slice(4)]);
  });
});

describe('currentData', () => {
  const training = new Frame([
    { storage: 'number', name: 'x', kind: 'numeric', values: Float64Array.from([1, 2, 3, 4]) },
    {
      storage: 'categorical',
      name: 'cut',
      kind: 'categorical',
      codes: Int32Array.from([0, 1, 0, 1]),
      levels: ['Good', 'Ideal'],
    },
  ]);

  it('types inputs by the reference, keeps new categories, reads outputs and labels', () => {
    const reference = referenceProfile(training, {
      predictions: Float64Array.from([0, 1, 0, 1]),
      probabilities: Float64Array.from([0.9, 0.1, 0.2, 0.8, 0.7, 0.3, 0.4, 0.6]),
      classes: ['no', 'yes'],
    });
    const records: PredictionRecord[] = [
      {
        ...record(1, 2),
        inputs: { x: [5, null], cut: ['Ideal', 'Premium'] },
        outputs: {
          predictions: ['yes', 'no'],
          probabilities: [
            [0.3, 0.7],
            [0.6, 0.4],
          ],
        },
        feedback: { labels: ['yes', 'maybe'], at: 2 },
      },
      {
        ...record(2, 1),
        inputs: { x: ['7'], cut: [null] },
        outputs: { predictions: ['no'], probabilities: [[0.8, 0.2]] },
      },
    ];
    const data = currentData(records, reference);
    expect(Array.from((data.frame.column('x') as { values: Float64Array }).values)).toEqual([
      5,
      Number.NaN,
      7,
    ]);
    const cut = data.frame.column('cut') as unknown as { codes: Int32Array; levels: string[] };
    expect(cut.levels).toEqual(['Ideal', 'Premium']);
    expect(Array.from(cut.codes)).toEqual([0, 1, -1]);
    expect(Array.from(data.predictions)).toEqual([1, 0, 0]);
    expect(Array.from(data.probabilities!)).toEqual([0.3, 0.7, 0.6, 0.4, 0.8, 0.2]);
    expect(Array.from(data.labelled.rows)).toEqual([0]);
    expect(Array.from(data.labelled.values)).toEqual([1]);
    expect(data.unusableLabels).toBe(1);
  });

  it('passes the columns drift skips (datetimes, text) on to the model, as the log holds them', () => {
    // Without them a model with a date feature could not be monitored from its log at all
    // ("the model cannot read the current data: missing column (datetime)").
    const withDates = new Frame([
      ...training.columns,
      { storage: 'number', name: 'when', kind: 'datetime', values: Float64Array.from([0, 1, 2, 3]) },
      { storage: 'string', name: 'note', kind: 'text', values: ['a b', 'c d', null, 'e f'] },
    ]);
    const reference = referenceProfile(withDates);
    expect(reference.skipped.map((s) => s.name)).toEqual(['when', 'note']);
    const records: PredictionRecord[] = [
      {
        ...record(1, 2),
        inputs: { x: [1, 2], cut: ['Good', 'Good'], when: [1710201600000, null], note: ['x y', null] },
      },
    ];
    const frame = currentData(records, reference).frame;
    expect(frame.names).toEqual(['x', 'cut', 'when', 'note']);
    expect(frame.column('when')).toMatchObject({ kind: 'datetime' });
    expect(Array.from((frame.column('when') as { values: Float64Array }).values)).toEqual([
      1710201600000,
      Number.NaN,
    ]);
    expect(frame.column('note')).toMatchObject({ storage: 'string', values: ['x y', null] });
  });

  it('refuses a log written without inputs, pointing at --current', () => {
    const reference = referenceProfile(training);
    expect(() => currentData([{ ...record(1, 1), inputs: null }], reference)).toThrow(/--log-inputs=false/);
  });
});
