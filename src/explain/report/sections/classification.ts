/**
 * Out-of-fold diagnostics of a classifier: ROC and precision–recall curves,
 * the confusion matrix and the calibration plot. Curves describe a yes/no
 * decision, so a multiclass report shows them only per class (one against
 * the rest) when given, and otherwise says why they are absent.
 */

import { BLUE, ORANGE, PALETTE, unitAxis } from '../../../report/chart-frame.js';
import { formatPercent, formatScore } from '../../../report/format.js';
import type { Html } from '../../../report/html.js';
import { confusionSvg } from '../charts/confusion.js';
import { type CurveSeries, curveChartSvg } from '../charts/curves.js';
import type { ClassificationDiagnostics, ModelReport } from '../types.js';
import { absentPanel, figure, panel, plots, reasonFor } from './common.js';

function positiveName(diag: ClassificationDiagnostics): string {
  return diag.positiveClass ?? diag.classes[1] ?? 'positive';
}

/** Share of actual positives, read off the confusion matrix: the precision of a random guess. */
function positiveShare(diag: ClassificationDiagnostics, positive: string): number | undefined {
  const index = diag.confusion.labels.indexOf(positive);
  if (index < 0) return undefined;
  const rowSums = diag.confusion.matrix.map((row) => row.reduce((a, b) => a + b, 0));
  const total = rowSums.reduce((a, b) => a + b, 0);
  return total > 0 ? rowSums[index]! / total : undefined;
}

function rocFigure(diag: ClassificationDiagnostics): Html {
  const roc = diag.roc!;
  const positive = positiveName(diag);
  const svg = curveChartSvg({
    kind: 'roc',
    label: `ROC curve, out-of-fold, ${positive} as positive`,
    xAxis: unitAxis('false positive rate'),
    yAxis: unitAxis('true positive rate'),
    series: [{ xs: roc.fpr, ys: roc.tpr, colour: BLUE, label: `ROC curve (AUC ${formatScore(roc.auc)})` }],
    references: [{ from: [0, 0], to: [1, 1], label: 'a model that guesses at random' }],
    note: `AUC ${formatScore(roc.auc)}`,
  });
  const caption =
    `Each point is one threshold on the predicted probability of ${positive}: lowering it catches more actual ${positive} rows (up) but raises more false alarms (right). ` +
    `A curve that hugs the top-left corner separates the classes well; the dashed diagonal is a model that guesses at random. AUC, the area under the curve, is the chance that a random ${positive} row scores higher than a random other row.`;
  return figure(svg, caption, 'ROC curve');
}

function prFigure(diag: ClassificationDiagnostics): Html {
  const pr = diag.pr!;
  const positive = positiveName(diag);
  const share = positiveShare(diag, positive);
  const references =
    share === undefined
      ? []
      : [
          {
            from: [0, share] as const,
            to: [1, share] as const,
            label: `random guessing: ${formatPercent(share)}`,
          },
        ];
  const svg = curveChartSvg({
    kind: 'pr',
    label: `Precision–recall curve, out-of-fold, ${positive} as positive`,
    xAxis: unitAxis('recall (share of actual positives found)'),
    yAxis: unitAxis('precision (share of flagged that are right)'),
    series: [{ xs: pr.recall, ys: pr.precision, colour: ORANGE, label: 'precision–recall curve' }],
    references,
    note: `AP ${formatScore(pr.averagePrecision)}`,
  });
  const baseline =
    share === undefined
      ? ''
      : ` The dashed line is random guessing, at the share of ${positive} rows (${formatPercent(share)}).`;
  const caption =
    `Moving right, the threshold drops: the model finds more of the actual ${positive} rows (recall) but more of those it flags are wrong (precision falls). ` +
    `A curve that stays high to the right is good.${baseline} Average precision (AP) sums the curve up; unlike AUC it suffers when ${positive} is rare and hard to find.`;
  return figure(svg, caption, 'Precision–recall curve');
}

function oneVsRestFigure(diag: ClassificationDiagnostics): Html {
  const curves = diag.rocOneVsRest ?? [];
  const series: CurveSeries[] = curves.map((c, i) => ({
    xs: c.fpr,
    ys: c.tpr,
    colour: PALETTE[i % PALETTE.length]!,
    label: `${c.label} (AUC ${formatScore(c.auc)})`,
  }));
  const svg = curveChartSvg({
    kind: 'roc',
    label: 'ROC curves, one class against the rest, out-of-fold',
    xAxis: unitAxis('false positive rate'),
    yAxis: unitAxis('true positive rate'),
    series,
    references: [{ from: [0, 0], to: [1, 1], label: 'a model that guesses at random' }],
    legend: true,
    height: 340,
  });
  const caption =
    'One curve per class, treating that class as "yes" and all others as "no". A curve near the top-left corner means the class is easy to tell apart; one near the dashed diagonal, that the model confuses it with others.';
  return figure(svg, caption, 'ROC curves, one class against the rest');
}

export function curvesSection(report: ModelReport): Html {
  const diag = report.classification;
  const title = 'ROC and precision–recall curves';
  if (report.meta.task === 'multiclass') {
    if (diag?.rocOneVsRest?.length) return panel('curves', title, plots([oneVsRestFigure(diag)]));
    const fallback = `ROC and precision–recall curves describe a yes/no decision. With ${diag?.classes.length ?? 'several'} classes, the confusion matrix below shows which classes the model mixes up.`;
    return absentPanel('curves', title, reasonFor(report, 'curves', fallback));
  }
  if (!diag?.roc || !diag.pr) {
    const fallback = 'The out-of-fold probabilities these curves need were not recorded for this run.';
    return absentPanel('curves', title, reasonFor(report, 'curves', fallback));
  }
  const lead =
    'Both curves come from out-of-fold predictions: every row was scored by a model that did not train on it.';
  return panel('curves', title, plots([rocFigure(diag), prFigure(diag)]), lead);
}

export function confusionSection(report: ModelReport): Html {
  const diag = report.classification;
  const title = 'Confusion matrix';
  if (!diag) return absentPanel('confusion', title, 'No out-of-fold predictions were recorded for this run.');
  const svg = confusionSvg({
    labels: diag.confusion.labels,
    matrix: diag.confusion.matrix,
    label: 'Confusion matrix of out-of-fold predictions: actual class by predicted class',
  });
  const threshold =
    report.meta.task === 'binary' && diag.threshold !== undefined
      ? ` A row counts as ${positiveName(diag)} when its predicted probability is at least ${formatScore(diag.threshold)}.`
      : '';
  const caption =
    'Each row is an actual class and each column the class the model predicted, counted over out-of-fold predictions; the diagonal, marked on top, holds the correct ones. ' +
    `Shading is the share of the row, so read along a row to see how often that class is mistaken for each other class.${threshold}`;
  return panel('confusion', title, plots([figure(svg, caption)]));
}

export function calibrationSection(report: ModelReport): Html {
  const diag = report.classification;
  const title = 'Calibration';
  if (report.meta.task === 'multiclass') {
    const fallback =
      'The calibration plot is drawn for yes/no tasks, where one predicted probability per row can be checked against how often the answer was yes.';
    return absentPanel('calibration', title, reasonFor(report, 'calibration', fallback));
  }
  const cal = diag?.calibration;
  if (!diag || !cal?.meanPredicted.length) {
    const fallback =
      'The out-of-fold probabilities the calibration plot needs were not recorded for this run.';
    return absentPanel('calibration', title, reasonFor(report, 'calibration', fallback));
  }
  const positive = positiveName(diag);
  const most = Math.max(1, ...cal.counts);
  const svg = curveChartSvg({
    kind: 'calibration',
    label: `Calibration of the predicted probability of ${positive}, out-of-fold`,
    xAxis: unitAxis(`mean predicted probability of ${positive}`),
    yAxis: unitAxis(`observed share of ${positive}`),
    series: [
      {
        xs: cal.meanPredicted,
        ys: cal.fractionPositive,
        colour: BLUE,
        label: 'rows grouped by predicted probability',
        dotRadii: cal.counts.map((c) => 3 + 6 * Math.sqrt(c / most)),
      },
    ],
    references: [{ from: [0, 0], to: [1, 1], label: 'perfect calibration' }],
  });
  const caption =
    `Rows are grouped by their predicted probability of ${positive}; each dot places a group's average prediction (across) against how often it really was ${positive} (up), and bigger dots hold more rows. ` +
    'On the dashed diagonal a predicted 70% means 70%; below it the model is over-confident, above it under-confident.';
  return panel('calibration', title, plots([figure(svg, caption)]));
}
