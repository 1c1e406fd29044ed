import { describe, expect, it } from 'vitest';
import { allowedText, declare, domain, param, parseParam } from '../../src/core/declare.js';
import { DataError, UsageError } from '../../src/core/errors.js';

const MAX_FEATURES = param.of<number | 'sqrt' | 'log2' | null>(
  [domain.null(), domain.enum('sqrt', 'log2'), domain.float({ above: 0, max: 1 }), domain.int({ min: 2 })],
  { default: 'sqrt', doc: 'features tried per split' },
);

const FOREST = declare({
  kind: 'forest',
  summary: 'a test declaration',
  tasks: ['binary'],
  tags: { multithreaded: true },
  params: {
    trees: param.int({
      default: 100,
      min: 1,
      doc: 'number of trees',
      search: { low: 50, high: 400, log: true },
    }),
    rate: param.float({ default: 0.1, above: 0, below: 1, doc: 'a share' }),
    maxDepth: param.intOrNull({ default: null, min: 1, doc: 'deepest level' }),
    maxFeatures: MAX_FEATURES,
    hidden: param.of<readonly number[]>([domain.list(domain.int({ min: 1 }))], {
      default: [100],
      doc: 'units',
    }),
    bootstrap: param.bool({ default: true, doc: 'bootstrap samples' }),
    oobScore: param.bool({ default: false, doc: 'out-of-bag score' }),
  },
  check(p) {
    if (p.oobScore && !p.bootstrap)
      throw new UsageError('usage.bad-param', 'forest: oobScore needs bootstrap');
  },
});

describe('declarations', () => {
  it('derive defaults and tags, and merge given values over the defaults in declaration order', () => {
    expect(FOREST.defaults).toEqual({
      trees: 100,
      rate: 0.1,
      maxDepth: null,
      maxFeatures: 'sqrt',
      hidden: [100],
      bootstrap: true,
      oobScore: false,
    });
    expect(FOREST.tags).toMatchObject({ multithreaded: true, acceptsMissing: false, deterministic: true });
    const resolved = FOREST.resolve({ maxFeatures: 0.5, trees: 10, maxDepth: undefined });
    expect(Object.keys(resolved)).toEqual(Object.keys(FOREST.defaults));
    expect(resolved).toMatchObject({ trees: 10, maxFeatures: 0.5, maxDepth: null });
  });

  it('refuse a value outside the declared domains, naming the parameter and what it accepts', () => {
    expect(() => FOREST.resolve({ trees: 0 })).toThrow('forest: trees must be a whole number ≥ 1, not 0');
    expect(() => FOREST.resolve({ trees: 2.5 })).toThrow(/trees must be a whole number/);
    expect(() => FOREST.resolve({ rate: 1 })).toThrow('forest: rate must be in (0, 1), not 1');
    expect(() => FOREST.resolve({ maxFeatures: 'all' as never })).toThrow(
      'forest: maxFeatures must be null, "sqrt", "log2", a number in (0, 1] or a whole number ≥ 2, not "all"',
    );
    expect(() => FOREST.resolve({ hidden: [10, 0] })).toThrow(/hidden must be a list of whole numbers ≥ 1/);
    expect(() => FOREST.resolve({ trees: Number.NaN })).toThrow(UsageError);
  });

  it('refuse an unknown parameter, listing the known ones, and break a rule between parameters', () => {
    expect(() => FOREST.resolve({ tres: 5 })).toThrow('forest has no parameter "tres"');
    expect(() => FOREST.resolve({ oobScore: true, bootstrap: false })).toThrow('oobScore needs bootstrap');
  });

  it('read stored parameters strictly: all present, none unknown, each valid', () => {
    expect(FOREST.stored(FOREST.defaults, 'a.keel')).toEqual(FOREST.defaults);
    const { trees: _, ...missing } = FOREST.defaults;
    expect(() => FOREST.stored(missing, 'a.keel')).toThrow('params.trees is missing');
    expect(() => FOREST.stored({ ...FOREST.defaults, x: 1 }, 'a.keel')).toThrow(DataError);
    expect(() => FOREST.stored({ ...FOREST.defaults, rate: 'x' }, 'a.keel')).toThrow(/params\.rate must be/);
    expect(() => FOREST.stored([1, 2], 'a.keel')).toThrow(/must be an object/);
  });
});

describe('parameters from --set text', () => {
  const p = FOREST.params;
  it('are read as their domains allow', () => {
    expect(parseParam(p.trees, '40')).toBe(40);
    expect(parseParam(p.maxDepth, 'null')).toBeNull();
    expect(parseParam(p.maxFeatures, 'log2')).toBe('log2');
    expect(parseParam(p.maxFeatures, '0.5')).toBe(0.5);
    expect(parseParam(p.bootstrap, 'false')).toBe(false);
    expect(parseParam(p.hidden, '64,32')).toEqual([64, 32]);
    expect(parseParam(p.hidden, '[128]')).toEqual([128]);
    expect(
      parseParam(param.of([domain.null(), domain.text()], { default: null, doc: '' }), 'age:1,debt:-1'),
    ).toBe('age:1,debt:-1');
  });

  it('stay text where no domain reads them, for validation to refuse with the allowed values', () => {
    expect(parseParam(p.trees, 'many')).toBe('many');
    expect(parseParam(p.bootstrap, 'yes')).toBe('yes');
    expect(() => FOREST.resolve({ trees: parseParam(p.trees, 'many') })).toThrow(/not "many"/);
  });
});

describe('allowed values in words', () => {
  it('read naturally for each shape', () => {
    expect(allowedText(param.float({ default: 1, min: 0, doc: '' }))).toBe('≥ 0');
    expect(allowedText(param.float({ default: 1, min: 0, max: 1, doc: '' }))).toBe('between 0 and 1');
    expect(allowedText(param.int({ default: 2, min: 2, max: 255, doc: '' }))).toBe(
      'a whole number between 2 and 255',
    );
    expect(allowedText(param.choice(['l2', 'l1', 'none'], { default: 'l2', doc: '' }))).toBe(
      '"l2", "l1" or "none"',
    );
    expect(allowedText(param.intOrNull({ default: null, min: 1, doc: '' }))).toBe(
      'null or a whole number ≥ 1',
    );
  });
});
