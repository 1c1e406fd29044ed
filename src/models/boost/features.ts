import { SchemaError } from '../../core/errors.js';
import { Frame, type Matrix } from '../../data/frame.js';
import { inputMatrix } from '../input.js';
import type { BinMapper, RawFeature } from './bins.js';

/**
 * Gradient boosting takes categories as they are (no one-hot): a frame's
 * categorical columns become categorical features, remembered by their
 * training levels so that a later frame, whose codes may number its levels
 * differently, is mapped by name. Numbers (NaN = missing) pass as they are.
 */
export interface FeatureSpec {
  readonly name: string;
  /** Categorical features: the training levels, in code order; null for numbers. */
  readonly levels: readonly string[] | null;
}

export function trainingFeatures(
  X: Matrix | Frame,
  names: readonly string[],
  kind: string,
): { specs: FeatureSpec[]; raw: RawFeature[] } {
  if (!(X instanceof Frame)) {
    const matrix = inputMatrix(X, names, kind);
    const raw = names.map((_, f) => ({
      values: Float64Array.from({ length: matrix.rows }, (_, i) => matrix.data[i * matrix.cols + f]!),
      categorical: false,
      levels: 0,
    }));
    return { specs: names.map((name) => ({ name, levels: null })), raw };
  }
  const specs: FeatureSpec[] = [];
  const raw: RawFeature[] = [];
  for (const name of names) {
    const column = X.column(name);
    if (column.storage === 'string') throw textColumn(kind, name, column.kind, X.source);
    if (column.storage === 'categorical') {
      specs.push({ name, levels: column.levels });
      raw.push({
        values: Float64Array.from(column.codes, (c) => (c < 0 ? Number.NaN : c)),
        categorical: true,
        levels: column.levels.length,
      });
    } else {
      specs.push({ name, levels: null });
      raw.push({ values: column.values, categorical: false, levels: 0 });
    }
  }
  return { specs, raw };
}

function textColumn(kind: string, name: string, columnKind: string, source?: string): SchemaError {
  return new SchemaError(
    'schema.text-feature',
    `${kind} cannot split on the ${columnKind} column "${name}"`,
    {
      location: { source, column: name },
      hint: 'drop it, or turn it into numbers first (TF-IDF for text); categorical columns are used as they are',
    },
  );
}

/**
 * The rows to predict as a row-major matrix the trees read: numbers as they
 * are, categories as their training bin (`categoryBins[f]` maps a training
 * level name to it); missing and unseen categories as NaN.
 */
export function predictionInput(
  X: Matrix | Frame,
  specs: readonly FeatureSpec[],
  categoryBins: readonly (ReadonlyMap<string, number> | null)[],
  kind: string,
): { data: Float64Array; rows: number } {
  const cols = specs.length;
  if (!(X instanceof Frame)) {
    const matrix = inputMatrix(
      X,
      specs.map((s) => s.name),
      kind,
    );
    if (specs.every((s) => s.levels === null)) return { data: matrix.data, rows: matrix.rows };
    // A matrix carries category codes numbered as in training.
    const data = Float64Array.from(matrix.data, (v, at) => {
      const bins = categoryBins[at % cols];
      if (bins === null || bins === undefined) return v;
      const level = specs[at % cols]!.levels![v];
      return level === undefined ? Number.NaN : (bins.get(level) ?? Number.NaN);
    });
    return { data, rows: matrix.rows };
  }
  const rows = X.rowCount;
  const data = new Float64Array(rows * cols);
  specs.forEach((spec, f) => {
    if (!X.has(spec.name)) inputMatrix(X, [spec.name], kind); // throws the usual wrong-columns error
    const column = X.column(spec.name);
    const bins = categoryBins[f] ?? null;
    if (bins === null) {
      if (column.storage !== 'number') throw kindChanged(kind, spec.name, 'numeric', X.source);
      for (let i = 0; i < rows; i++) data[i * cols + f] = column.values[i]!;
      return;
    }
    if (column.storage !== 'categorical') throw kindChanged(kind, spec.name, 'categorical', X.source);
    const codeBins = column.levels.map((level) => bins.get(level) ?? Number.NaN);
    for (let i = 0; i < rows; i++) {
      const code = column.codes[i]!;
      data[i * cols + f] = code < 0 ? Number.NaN : codeBins[code]!;
    }
  });
  return { data, rows };
}

function kindChanged(kind: string, name: string, trained: string, source?: string): SchemaError {
  return new SchemaError(
    'schema.kind-changed',
    `"${name}" was ${trained} when the ${kind} model was trained`,
    {
      location: { source, column: name },
      hint: `read it as ${trained} (--kind ${name}=${trained === 'numeric' ? 'numeric' : 'categorical'})`,
    },
  );
}

/** Per feature, training level name → bin (null for numeric features). */
export function categoryBinMaps(
  specs: readonly FeatureSpec[],
  bins: Pick<BinMapper, 'levelBins'>,
): (Map<string, number> | null)[] {
  return specs.map((spec, f) =>
    spec.levels === null
      ? null
      : new Map(spec.levels.map((level, code) => [level, bins.levelBins[f]![code]!])),
  );
}
