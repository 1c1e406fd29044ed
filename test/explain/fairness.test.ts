import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import { type CategoricalColumn, categoricalFromLabels, type NumberColumn } from '../../src/data/column.js';
import { readTable } from '../../src/data/read.js';
import { type ClassificationAudit, fairnessAudit, type RegressionAudit } from '../../src/explain/fairness.js';
import { DATASETS } from '../helpers.js';

interface FixtureGroup {
  group: string;
  count: number;
  share: number;
  selectionRate: number;
  truePositiveRate: number;
  falsePositiveRate: number;
  precision: number;
  accuracy: number;
}

interface RegressionFixtureGroup {
  value: number;
  count: number;
  share: number;
  mae: number;
  rmse: number;
  meanPrediction: number;
  meanTarget: number;
}

const fixture = JSON.parse(
  readFileSync(new URL('../fixtures/explain/inspection.json', import.meta.url), 'utf8'),
) as {
  fairness: {
    binary: {
      minGroupSize: number;
      groups: FixtureGroup[];
      summary: Record<string, number>;
    };
    regression: { groups: RegressionFixtureGroup[] };
  };
};

// Twelve rows, groups interleaved. By group (true / predicted):
//   a (6 rows): 1/1 1/1 1/0 0/1 0/0 0/0 → TP 2, FN 1, FP 1, TN 2
//   b (4 rows): 1/0 1/1 0/0 0/0         → TP 1, FN 1, FP 0, TN 2
//   missing (2): 1/1 0/1                 → TP 1, FP 1
const sensitive = ['a', 'b', 'a', null, 'a', 'b', 'a', 'b', 'a', undefined, 'a', 'b'];
const yTrue = [1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0];
const yPred = [1, 0, 1, 1, 0, 1, 1, 0, 0, 1, 0, 0];

const classification = (audit: ReturnType<typeof fairnessAudit>) => audit as ClassificationAudit;

describe('fairness audit of a hand-made binary case', () => {
  const audit = classification(
    fairnessAudit({ sensitive, yTrue, yPred, task: 'binary', classes: ['no', 'yes'], minGroupSize: 1 }),
  );

  it('counts each group, missing values as "(missing)", last', () => {
    expect(audit.column).toBe('group');
    expect(audit.groups.map((g) => [g.group, g.count, g.share])).toEqual([
      ['a', 6, 6 / 12],
      ['b', 4, 4 / 12],
      ['(missing)', 2, 2 / 12],
    ]);
  });

  it('gives each group its selection rate, TPR, FPR, precision and accuracy', () => {
    const rates = audit.groups.map((g) => ({ accuracy: g.accuracy, ...g.rates[0]! }));
    expect(rates).toEqual([
      {
        accuracy: 4 / 6,
        class: 'yes',
        selectionRate: 3 / 6,
        baseRate: 3 / 6,
        truePositiveRate: 2 / 3,
        falsePositiveRate: 1 / 3,
        precision: 2 / 3,
      },
      {
        accuracy: 3 / 4,
        class: 'yes',
        selectionRate: 1 / 4,
        baseRate: 2 / 4,
        truePositiveRate: 1 / 2,
        falsePositiveRate: 0,
        precision: 1,
      },
      {
        accuracy: 1 / 2,
        class: 'yes',
        selectionRate: 2 / 2,
        baseRate: 1 / 2,
        truePositiveRate: 1,
        falsePositiveRate: 1,
        precision: 1 / 2,
      },
    ]);
  });

  it('summarises: parity difference 1 − 1/4, equalised odds max(1 − 1/2, 1 − 0), impact ratio 1/4 ÷ 1', () => {
    expect(audit.disparities).toEqual([
      {
        class: 'yes',
        demographicParityDifference: 0.75,
        equalisedOddsDifference: 1,
        disparateImpactRatio: 0.25,
      },
    ]);
    expect(audit.comparedGroups).toBe(3);
  });

  it('leaves a group below minGroupSize out of the gaps, and says so', () => {
    const judged = classification(
      fairnessAudit({ sensitive, yTrue, yPred, task: 'binary', minGroupSize: 3 }),
    );
    expect(judged.groups.map((g) => g.tooSmall)).toEqual([false, false, true]);
    expect(judged.comparedGroups).toBe(2);
    // Between a and b only: selection 1/2 vs 1/4; TPR 2/3 vs 1/2; FPR 1/3 vs 0.
    const [d] = judged.disparities;
    expect(d!.demographicParityDifference).toBe(0.25);
    expect(d!.equalisedOddsDifference).toBeCloseTo(1 / 3, 15);
    expect(d!.disparateImpactRatio).toBe(0.5);
    expect(judged.warnings).toEqual([
      'Group "(missing)" (2 rows) has fewer than 3 rows: too few to judge, so it is left out of the comparisons.',
      'Four-fifths rule broken: "b" (25.0%) is predicted "1" at 0.50 times the rate of "a" (50.0%); a ratio below 0.8 is the usual sign of adverse impact.',
      'Demographic parity: the share predicted "1" differs by 0.250 between "a" (50.0%) and "b" (25.0%), above the threshold of 0.1.',
      'Equalised odds: among rows that are not "1", "a" is wrongly predicted "1" 33.3% of the time against 0.0% for "b" (a gap of 0.333, above the threshold of 0.1): the model\'s errors fall unevenly between groups.',
    ]);
  });

  it('warns of nothing when the gaps are within the threshold and the ratio above 0.8', () => {
    const calm = fairnessAudit({ sensitive, yTrue, yPred, task: 'binary', minGroupSize: 3, threshold: 0.5 });
    expect(calm.warnings.filter((w) => !w.startsWith('Group'))).toEqual([
      expect.stringMatching(/^Four-fifths rule broken/),
    ]);
    const equal = fairnessAudit({
      sensitive: ['x', 'y', 'x', 'y'],
      yTrue: [1, 1, 0, 0],
      yPred: [1, 1, 0, 0],
      task: 'binary',
      minGroupSize: 1,
    });
    expect(equal.warnings).toEqual([]);
  });

  it('says no gap is measured when fewer than two groups are large enough (default 30 rows)', () => {
    const tiny = classification(fairnessAudit({ sensitive, yTrue, yPred, task: 'binary' }));
    expect(tiny.comparedGroups).toBe(0);
    expect(Number.isNaN(tiny.disparities[0]!.demographicParityDifference)).toBe(true);
    expect(tiny.warnings).toEqual([
      'Groups "a" (6 rows), "b" (4 rows), "(missing)" (2 rows) have fewer than 30 rows: too few to judge, so they are left out of the comparisons.',
      'Fewer than two groups have 30 rows or more, so no gap between groups is measured.',
    ]);
  });

  it("adds each group's mean predicted probability when probabilities are given", () => {
    const proba = [0.9, 0.4, 0.8, 0.7, 0.3, 0.6, 0.6, 0.2, 0.1, 0.55, 0.2, 0.1];
    const withProba = classification(
      fairnessAudit({ sensitive, yTrue, yPred, proba, task: 'binary', minGroupSize: 1 }),
    );
    const means = withProba.groups.map((g) => g.rates[0]!.meanProbability!);
    const expected = [(0.9 + 0.8 + 0.3 + 0.6 + 0.1 + 0.2) / 6, (0.4 + 0.6 + 0.2 + 0.1) / 4, (0.7 + 0.55) / 2];
    for (const [g, m] of expected.entries()) expect(means[g]).toBeCloseTo(m, 15);
  });
});

describe('fairness audit of other inputs', () => {
  it('audits each class one-vs-rest for more than two classes, or the class asked for', () => {
    // x: true 0 1 2, predicted 0 1 1; y: true 0 1 2, predicted 0 0 2.
    const input = {
      sensitive: ['x', 'x', 'x', 'y', 'y', 'y'],
      yTrue: [0, 1, 2, 0, 1, 2],
      yPred: [0, 1, 1, 0, 0, 2],
      task: 'multiclass' as const,
      minGroupSize: 1,
    };
    const audit = classification(fairnessAudit(input));
    expect(audit.groups.map((g) => g.accuracy)).toEqual([2 / 3, 2 / 3]);
    expect(audit.groups.map((g) => g.rates.map((r) => r.selectionRate))).toEqual([
      [1 / 3, 2 / 3, 0],
      [2 / 3, 0, 1 / 3],
    ]);
    expect(
      audit.disparities.map((d) => [
        d.demographicParityDifference,
        d.equalisedOddsDifference,
        d.disparateImpactRatio,
      ]),
    ).toEqual([
      [1 / 3, 0.5, 0.5],
      [2 / 3, 1, 0],
      [1 / 3, 1, 0],
    ]);
    expect(audit.warnings.some((w) => w.includes('(class "1", one-vs-rest)'))).toBe(true);
    const one = classification(fairnessAudit({ ...input, positiveClass: 1 }));
    expect(one.disparities.map((d) => d.class)).toEqual(['1']);
  });

  it('takes a categorical column: groups in level order, missing codes as "(missing)"', () => {
    const column = categoricalFromLabels('sex', ['female', null, 'male', 'female'], ['male', 'female']);
    const audit = fairnessAudit({
      sensitive: column,
      yTrue: [1, 0, 1, 0],
      yPred: [1, 0, 0, 0],
      task: 'binary',
      minGroupSize: 1,
    });
    expect(audit.column).toBe('sex');
    expect(audit.groups.map((g) => [g.group, g.count])).toEqual([
      ['male', 1],
      ['female', 2],
      ['(missing)', 1],
    ]);
  });

  it('names the groups of a yes/no column by its words, in 0/1 order', () => {
    const owner: NumberColumn = {
      storage: 'number',
      name: 'owner',
      kind: 'boolean',
      values: Float64Array.from([1, 0, Number.NaN, 1]),
      words: { false: 'no', true: 'yes' },
    };
    const audit = fairnessAudit({
      sensitive: owner,
      yTrue: [1, 0, 1, 0],
      yPred: [1, 0, 0, 0],
      task: 'binary',
      minGroupSize: 1,
    });
    expect(audit.groups.map((g) => [g.group, g.count])).toEqual([
      ['no', 1],
      ['yes', 2],
      ['(missing)', 1],
    ]);
  });

  it('refuses predictions of another length and labels that are not class indices', () => {
    expect(() => fairnessAudit({ sensitive, yTrue, yPred: yPred.slice(1), task: 'binary' })).toThrow(
      UsageError,
    );
    expect(() =>
      fairnessAudit({ sensitive, yTrue, yPred: yPred.map((p) => p + 0.5), task: 'binary' }),
    ).toThrow(/class indices/);
  });
});

describe('fairness audit against an independent pandas groupby', () => {
  it('pima: age band (missing where blood pressure is), predicted diabetic when glucose ≥ 126', async () => {
    const pima = await readTable(join(DATASETS, 'pima_indians_diabetes2.csv'));
    const age = (pima.column('age') as NumberColumn).values;
    const pressure = (pima.column('pressure') as NumberColumn).values;
    const glucose = (pima.column('glucose') as NumberColumn).values;
    const diabetes = pima.column('diabetes') as CategoricalColumn;
    const band = (a: number) => (a < 30 ? 'under 30' : a < 50 ? '30-49' : '50 and over');
    const expected = fixture.fairness.binary;
    const audit = classification(
      fairnessAudit({
        sensitive: Array.from(age, (a, i) => (Number.isNaN(pressure[i]!) ? null : band(a))),
        yTrue: Array.from(diabetes.codes, (code) => (diabetes.levels[code] === 'pos' ? 1 : 0)),
        yPred: Array.from(glucose, (g) => (g >= 126 ? 1 : 0)),
        task: 'binary',
        minGroupSize: expected.minGroupSize,
      }),
    );
    expect(audit.groups.map((g) => g.group)).toEqual(expected.groups.map((g) => g.group));
    audit.groups.forEach((group, k) => {
      const e = expected.groups[k]!;
      const ours = { count: group.count, share: group.share, accuracy: group.accuracy, ...group.rates[0]! };
      for (const key of [
        'count',
        'share',
        'selectionRate',
        'truePositiveRate',
        'falsePositiveRate',
        'precision',
        'accuracy',
      ] as const) {
        expect(ours[key], `${group.group} ${key}`).toBeCloseTo(e[key], 14);
      }
    });
    const [d] = audit.disparities;
    expect(audit.comparedGroups).toBe(expected.summary['comparedGroups']);
    expect(d!.demographicParityDifference).toBeCloseTo(expected.summary['demographicParityDifference']!, 14);
    expect(d!.equalisedOddsDifference).toBeCloseTo(expected.summary['equalisedOddsDifference']!, 14);
    expect(d!.disparateImpactRatio).toBeCloseTo(expected.summary['disparateImpactRatio']!, 14);
    expect(audit.warnings[0]).toBe(
      'Group "(missing)" (35 rows) has fewer than 40 rows: too few to judge, so it is left out of the comparisons.',
    );
    expect(audit.warnings.slice(1).map((w) => w.split(':')[0])).toEqual([
      'Four-fifths rule broken',
      'Demographic parity',
      'Equalised odds',
    ]);
  });

  it('diabetes (regression): by sex, predictions 152 + 900·bmi: MAE, RMSE, mean prediction and target', async () => {
    const diabetes = await readTable(join(DATASETS, 'diabetes.csv'));
    const bmi = (diabetes.column('bmi') as NumberColumn).values;
    const audit = fairnessAudit({
      sensitive: diabetes.column('sex'),
      yTrue: (diabetes.column('target') as NumberColumn).values,
      yPred: bmi.map((b) => 152 + 900 * b),
      task: 'regression',
    }) as RegressionAudit;
    const expected = fixture.fairness.regression.groups;
    expect(audit.groups.map((g) => Number(g.group))).toEqual(expected.map((g) => g.value));
    audit.groups.forEach((group, k) => {
      for (const key of ['count', 'share', 'mae', 'rmse', 'meanPrediction', 'meanTarget'] as const) {
        expect(group[key], `${group.group} ${key}`).toBeCloseTo(expected[k]![key], 10);
      }
    });
    expect(audit.maeDifference).toBeCloseTo(Math.abs(expected[0]!.mae - expected[1]!.mae), 10);
    expect(audit.meanPredictionDifference).toBeCloseTo(
      Math.abs(expected[0]!.meanPrediction - expected[1]!.meanPrediction),
      10,
    );
    expect(audit.warnings).toEqual([]);
  });
});
