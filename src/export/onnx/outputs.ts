import { UsageError } from '../../core/errors.js';
import { attr, type GraphBuilder, ML_DOMAIN } from './graph.js';
import { DataType } from './onnx-proto.js';
import type { GraphColumns } from './prep.js';

/**
 * What every exported model shares: its numeric input columns side by side
 * as one [N, p] double matrix, and its graph outputs — `prediction` [N] for
 * regression; `label` [N] (the class label, a string) and `probabilities`
 * [N, classes] for classifiers, in keel's class order.
 */

export function featureMatrix(
  g: GraphBuilder,
  columns: GraphColumns,
  names: readonly string[],
  kind: string,
): string {
  const values = names.map((name) => {
    const column = columns.get(name);
    if (column === undefined) throw new Error(`onnx export: ${kind} reads "${name}", which no step made`);
    if (column.type !== 'number') {
      throw new UsageError('export.not-numeric', `${kind} needs numbers, and "${name}" is categorical`, {
        location: { column: name },
        hint: 'encode categorical columns (one-hot or ordinal) before this model',
      });
    }
    return column.value;
  });
  return g.op('Concat', values, { axis: attr.int(1) });
}

/** [N, 1] → the `prediction` output, shape [N]. */
export function regressionOutput(g: GraphBuilder, scores: string): void {
  const flat = g.op('Reshape', [scores, g.int64s('flat', [-1])]);
  g.output('prediction', flat, DataType.DOUBLE, ['N']);
}

/** Probabilities [N, k] → the `probabilities` output and `label`, the first class of highest probability. */
export function classifierOutputs(g: GraphBuilder, probabilities: string, classes: readonly string[]): void {
  const best = g.op('ArgMax', [probabilities], { axis: attr.int(1), keepdims: attr.int(0) });
  const label = g.op(
    'LabelEncoder',
    [best],
    {
      keys_int64s: attr.ints(classes.map((_, k) => k)),
      values_strings: attr.strings(classes),
      default_string: attr.string(''),
    },
    ML_DOMAIN,
  );
  g.output('label', label, DataType.STRING, ['N']);
  g.output('probabilities', probabilities, DataType.DOUBLE, ['N', classes.length]);
}

/** One score per row ([N, 1]) → [σ(−z), σ(z)]: two-class probabilities. */
export function twoClassFromScore(g: GraphBuilder, score: string, negate: boolean): string {
  const positive = g.op('Sigmoid', [score]);
  // Logistic regression takes σ(−z) for the first class, boosting 1 − σ(z): each export does as its model does.
  const negative = negate
    ? g.op('Sigmoid', [g.op('Neg', [score])])
    : g.op('Sub', [g.doubles('one', [1]), positive]);
  return g.op('Concat', [negative, positive], { axis: attr.int(1) });
}

export function softmax(g: GraphBuilder, scores: string): string {
  return g.op('Softmax', [scores], { axis: attr.int(1) });
}
