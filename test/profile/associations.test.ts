import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/random.js';
import { categoricalFromLabels } from '../../src/data/column.js';
import {
  averageRanks,
  type Codes,
  correlationRatio,
  cramersV,
  discretize,
  mutualInformation,
  pearson,
  pearsonMatrix,
  quantileEdges,
  spearman,
  spearmanMatrix,
} from '../../src/profile/associations.js';
import { sortedPresent, sortWithRows } from '../../src/profile/stats.js';

const NaN_ = Number.NaN;

function expectClose(actual: number, expected: number, relative = 1e-12): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(relative * Math.max(Math.abs(expected), 1e-300));
}

function codes(values: readonly number[]): Codes {
  return { codes: Int32Array.from(values), levels: Math.max(...values) + 1 };
}

/** Two code columns whose contingency table is `table` (r × c). */
function fromTable(table: readonly (readonly number[])[]): [Codes, Codes] {
  const a: number[] = [];
  const b: number[] = [];
  for (const [r, row] of table.entries()) {
    for (const [c, count] of row.entries()) {
      for (let k = 0; k < count; k++) {
        a.push(r);
        b.push(c);
      }
    }
  }
  return [codes(a), codes(b)];
}

describe('pearson and spearman', () => {
  it('match scipy on small known cases', () => {
    expectClose(pearson(Float64Array.of(1, 2, 3, 4, 5), Float64Array.of(2, 4, 5, 4, 5)), 0.7745966692414834);
    expectClose(
      spearman(Float64Array.of(1, 2, 3, 4, 5, 6), Float64Array.of(3, 1, 4, 1, 5, 9)),
      0.6667366910003157,
    );
  });

  it('use only the rows where both values are present', () => {
    const x = Float64Array.of(1, 2, NaN_, 4, 5, 6);
    const y = Float64Array.of(2, 4, 100, 4, NaN_, 1);
    expectClose(pearson(x, y), pearson(Float64Array.of(1, 2, 4, 6), Float64Array.of(2, 4, 4, 1)));
    expectClose(spearman(x, y), spearman(Float64Array.of(1, 2, 4, 6), Float64Array.of(2, 4, 4, 1)));
  });

  it('spearman is 1 for any increasing transform', () => {
    const x = Float64Array.of(0.1, 5, 2, 8, 3);
    expect(spearman(x, x.map(Math.exp))).toBeCloseTo(1, 14);
  });

  it('averageRanks gives ties the mean of their ranks and leaves NaN', () => {
    const ranks = averageRanks(Float64Array.of(10, 20, 20, 5, NaN_));
    expect(Array.from(ranks)).toEqual([2, 3.5, 3.5, 1, NaN_]);
  });
});

describe('correlation matrices', () => {
  const rng = new Rng(11);
  const n = 5000; // more than two blocks of the blocked cross-product
  const a = Float64Array.from({ length: n }, () => rng.normal());
  const b = a.map((v) => 0.6 * v + 0.8 * rng.normal());
  const c = a.map((v) => v ** 3 + rng.normal());
  const withGaps = b.map((v, i) => (i % 7 === 0 ? NaN_ : v));
  const constant = new Float64Array(n).fill(3);

  it('pearsonMatrix equals pairwise pearson, with NaN for a constant column', () => {
    const columns = [a, b, c, withGaps, constant];
    const r = pearsonMatrix(columns);
    for (let i = 0; i < 4; i++) {
      for (let j = 0; j < 4; j++) {
        if (i === j) expect(r[i]![j]).toBe(1);
        else expectClose(r[i]![j]!, pearson(columns[i]!, columns[j]!), 1e-10);
      }
    }
    expect(r[4]![4]).toBeNaN();
    expect(r[0]![4]).toBeNaN();
  });

  it('spearmanMatrix re-ranks a pair on its common rows when one column has gaps', () => {
    const columns = [a, c, withGaps];
    const rho = spearmanMatrix(columns);
    expectClose(rho[0]![1]!, spearman(a, c), 1e-10);
    expectClose(rho[0]![2]!, spearman(a, withGaps), 1e-10);
    expectClose(rho[2]![1]!, spearman(withGaps, c), 1e-10);
    expect(rho[1]![1]).toBe(1);
  });
});

describe("Cramér's V", () => {
  it('matches the hand formula on known tables', () => {
    expectClose(
      cramersV(
        ...fromTable([
          [10, 20],
          [30, 40],
        ]),
      ),
      0.0890870806374748,
    );
    expectClose(
      cramersV(
        ...fromTable([
          [12, 3, 5],
          [2, 9, 4],
        ]),
      ),
      0.5274852990754725,
    );
  });

  it('is 1 for a one-to-one relation, 0 for independence, NaN with one level', () => {
    expect(cramersV(codes([0, 1, 2, 0, 1, 2]), codes([2, 0, 1, 2, 0, 1]))).toBeCloseTo(1, 14);
    expect(
      cramersV(
        ...fromTable([
          [5, 5],
          [5, 5],
        ]),
      ),
    ).toBe(0);
    expect(cramersV(codes([0, 0, 0]), codes([0, 1, 0]))).toBeNaN();
  });

  it('ignores rows where either value is missing', () => {
    expect(cramersV(codes([0, 1, 0, 1, -1]), codes([0, 1, 0, 1, 0]))).toBeCloseTo(1, 14);
  });
});

describe('correlation ratio', () => {
  it('matches the hand formula √(SS_between / SS_total)', () => {
    const g = categoricalFromLabels('g', ['a', 'a', 'a', 'b', 'b', 'c', 'c', 'c']);
    const v = Float64Array.of(1, 2, 3, 5, 7, 2, 2.5, 3);
    expectClose(correlationRatio(discretize(g, Number.POSITIVE_INFINITY), v), 0.9092385833454514);
  });

  it('is 1 when the groups fix the values and NaN when the values are constant', () => {
    expect(correlationRatio(codes([0, 0, 1, 1]), Float64Array.of(3, 3, 8, 8))).toBe(1);
    expect(correlationRatio(codes([0, 1, 1]), Float64Array.of(2, 2, 2))).toBeNaN();
  });
});

describe('mutual information', () => {
  it("matches scikit-learn's mutual_info_score", () => {
    const a = codes([0, 0, 0, 1, 1, 1, 2, 2, 2, 2]);
    const b = codes([0, 0, 1, 1, 1, 0, 2, 2, 2, 1]);
    expectClose(mutualInformation(a, b), 0.48205741652081274);
  });

  it('is ln k for a uniform variable with itself and 0 for independent ones', () => {
    const x = codes([0, 1, 2, 3, 0, 1, 2, 3]);
    expectClose(mutualInformation(x, x), Math.log(4));
    expect(
      mutualInformation(
        ...fromTable([
          [3, 3],
          [7, 7],
        ]),
      ),
    ).toBe(0);
  });
});

describe('discretize', () => {
  const y = Float64Array.of(5, 1, 2, 2, 2, 3, 9, 7, 7, 4, 8, 6, 10, 11, 0, NaN_, 3.5, 2);
  const column = { storage: 'number', name: 'y', kind: 'numeric', values: y } as const;

  it("bins like pandas' qcut(duplicates='drop'), missing as -1", () => {
    expect(Array.from(discretize(column, 4).codes)).toEqual([
      2, 0, 0, 0, 0, 1, 3, 2, 2, 1, 3, 2, 3, 3, 0, -1, 1, 0,
    ]);
    expect(Array.from(discretize(column, 5).codes)).toEqual([
      2, 0, 0, 0, 0, 1, 4, 3, 3, 2, 4, 3, 4, 4, 0, -1, 2, 0,
    ]);
  });

  it('drops duplicate edges', () => {
    const sorted = sortedPresent(Float64Array.of(0, 0, 0, 0, 0, 0, 0, 1, 2, 3));
    expect(quantileEdges(sorted, 4)).toEqual([0, 0.75, 3]);
  });

  it('gives each value its own code when there are few', () => {
    const few = {
      storage: 'number',
      name: 'f',
      kind: 'integer',
      values: Float64Array.of(7, 3, 7, NaN_, 5),
    } as const;
    expect(discretize(few, 10)).toEqual({ codes: Int32Array.of(2, 0, 2, -1, 1), levels: 3 });
  });

  it('gives the same codes when read off a given ascending order as by searching each value', () => {
    const rng = new Rng(21);
    const values = Float64Array.from({ length: 5000 }, (_, i) =>
      i % 13 === 0 ? NaN_ : i % 5 === 0 ? 0 : Math.round(rng.normal() * 40) / 8,
    );
    const wide = { storage: 'number', name: 'w', kind: 'numeric', values } as const;
    const order = sortWithRows(values);
    for (const bins of [3, 10, 100, 1000, Number.POSITIVE_INFINITY]) {
      expect(discretize(wide, bins, order), `${bins} bins`).toEqual(discretize(wide, bins));
    }
    expect(discretize(column, 4, sortWithRows(y))).toEqual(discretize(column, 4));
  });
});
