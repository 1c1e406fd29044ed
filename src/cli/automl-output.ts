import type { Recorded } from '../train/recording.js';
import type { AutomlResult } from '../tune/automl/index.js';
import { renderTable } from './table.js';
import { fmt } from './train-options.js';
import { recordedLine } from './train-tracking.js';

/** Leaderboard rows shown in the terminal; the report and --json have them all. */
const SHOWN_ROWS = 10;

export interface ReportFacts {
  readonly path: string;
  readonly fairness: unknown;
}

/** The JSON `keel automl --json` prints: the contract plus what a script needs next. */
export function automlJson(result: AutomlResult, recorded: Recorded | null, report: ReportFacts) {
  return {
    task: result.task,
    metric: result.metric,
    greaterIsBetter: result.greaterIsBetter,
    rows: result.target.values.length,
    features: result.features,
    dropped: result.dropped,
    cv: result.cv,
    leaderboard: result.leaderboard.map((e) => ({
      model: e.model,
      algorithm: e.algorithm,
      score: e.score,
      std: e.std,
      fitSeconds: e.fitSeconds,
      params: e.params,
    })),
    best: {
      model: result.best.model,
      score: result.best.score,
      std: result.best.std,
      version: recorded?.registered?.version ?? null,
      name: recorded?.registered?.model ?? null,
    },
    ensemble: result.ensemble ?? null,
    why: result.why,
    trials: result.trials.length,
    elapsedSeconds: result.elapsedSeconds,
    stopped: result.stopped,
    ...(report.fairness == null ? {} : { fairness: report.fairness }),
    report: report.path,
    runId: recorded?.runId ?? null,
  };
}

export function renderAutomlSummary(
  result: AutomlResult,
  recorded: Recorded | null,
  report: ReportFacts,
): string {
  const lines: string[] = [];
  lines.push(
    `${result.target.name} (${result.task}) · ${result.metric} (${result.greaterIsBetter ? 'higher' : 'lower'} is better) · ${result.cv.folds}-fold ${result.cv.kind} cross-validation`,
  );
  for (const d of result.dropped) lines.push(`  left out ${d.column}: ${d.reason}`);
  lines.push('');
  const rows = result.leaderboard
    .slice(0, SHOWN_ROWS)
    .map((e, i) => [String(i + 1), e.model, fmt(e.score), fmt(e.std), e.fitSeconds.toFixed(2)]);
  const columns = [
    { title: '#', right: true },
    { title: 'model' },
    { title: result.metric, right: true },
    { title: '± std', right: true },
    { title: 'fit s', right: true },
  ];
  lines.push(...renderTable(columns, rows));
  if (result.leaderboard.length > SHOWN_ROWS) {
    lines.push(`  … ${result.leaderboard.length - SHOWN_ROWS} more in the report`);
  }
  lines.push('');
  lines.push(`Chosen: ${result.best.model}. ${result.why}`);
  const stopped = result.stopped === 'aborted' ? ', stopped early at your request' : '';
  lines.push(`${result.trials.length} trials in ${result.elapsedSeconds.toFixed(1)} s${stopped}.`);
  lines.push(`Report: ${report.path}`);
  if (recorded !== null) lines.push(recordedLine(recorded));
  return `${lines.join('\n')}\n`;
}
