import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTable } from '../../src/data/read.js';
import { schemaOf } from '../../src/data/schema.js';
import { DATASETS } from '../helpers.js';

describe('schemaOf', () => {
  it('describes names, kinds, levels, ranges and missing rates as plain JSON', async () => {
    const frame = await readTable(join(DATASETS, 'pima_indians_diabetes2.csv'));
    const schema = schemaOf(frame);
    expect(schema.rows).toBe(768);
    const byName = Object.fromEntries(schema.columns.map((c) => [c.name, c]));
    expect(byName['insulin']).toEqual({
      name: 'insulin',
      kind: 'integer',
      missingRate: 374 / 768,
      min: 14,
      max: 846,
    });
    expect(byName['diabetes']).toEqual({
      name: 'diabetes',
      kind: 'categorical',
      missingRate: 0,
      levels: ['neg', 'pos'],
    });
    expect(JSON.parse(JSON.stringify(schema))).toEqual(schema);
  });
});
