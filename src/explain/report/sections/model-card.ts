/**
 * The model card (Mitchell et al., "Model Cards for Model Reporting", 2019):
 * intended use, training data, metrics, limitations and ethical
 * considerations. What the caller did not write is drafted from the rest of
 * the report, and marked as a draft for a person to finish.
 */

import { formatCount, formatScore } from '../../../report/format.js';
import { type Html, html, join } from '../../../report/html.js';
import type { ModelCardText, ModelReport } from '../types.js';
import { baseName, describeTask, metricLabel, panel, plural } from './common.js';

export interface FilledModelCard {
  readonly intendedUse: string;
  readonly trainingData: string;
  readonly metricsSummary: string;
  readonly limitations: readonly string[];
  readonly ethicalConsiderations: readonly string[];
  /** The fields keel drafted because the caller gave none. */
  readonly drafted: readonly (keyof ModelCardText)[];
}

function defaultIntendedUse(report: ModelReport): string {
  return `${capitalise(describeTask(report))} for rows like those in ${baseName(report.meta.source)}. Replace this sentence with who will use the predictions, for what decision, and what happens when the model is wrong.`;
}

function defaultTrainingData(report: ModelReport): string {
  const { data, meta } = report;
  const features = `${formatCount(data.featuresUsed)} of its ${formatCount(Math.max(0, data.columns - 1))} other columns`;
  const dropped = data.dropped.length ? ` Left out: ${data.dropped.map((d) => d.column).join(', ')}.` : '';
  const excluded = data.sensitive.filter((s) => s.excluded).map((s) => s.column);
  const sensitive = excluded.length ? ` Excluded as sensitive: ${excluded.join(', ')}.` : '';
  return `Trained on ${formatCount(data.rows)} rows of ${meta.source}, using ${features} to predict ${meta.target}.${dropped}${sensitive} Not checked on data from other sources or later periods.`;
}

function defaultMetrics(report: ModelReport): string {
  const { cv } = report.choice;
  const figures = report.cvMetrics.map(
    (m) => `${metricLabel(m)} ${formatScore(m.mean)} ± ${formatScore(m.std)}`,
  );
  const list = figures.length ? figures.join('; ') : 'no figures recorded';
  return `Cross-validated over ${cv.folds} folds (${cv.kind}): ${list}. Estimates from held-out rows of this data set, not a guarantee for new data.`;
}

function defaultLimitations(report: ModelReport): string[] {
  const notes = [
    'The scores come from cross-validation on one data set; on data from another source, place or time they may be worse.',
    'A category the model never saw, or a number far outside the training range, gets a prediction the model has no evidence for.',
  ];
  if (report.data.rows < 1000) {
    notes.push(
      `With only ${formatCount(report.data.rows)} rows, the scores are uncertain: see the spread over folds.`,
    );
  }
  const high = report.data.findings.filter((f) => f.severity === 'high').length;
  if (high)
    notes.push(`The data profile raised ${plural(high, 'high-severity finding')}; see the Data section.`);
  return notes;
}

function defaultEthics(report: ModelReport): string[] {
  const audits = report.fairness ?? [];
  const notes: string[] = [];
  if (audits.length) {
    const warnings = audits.reduce((n, a) => n + a.warnings.length, 0);
    const columns = audits.map((a) => a.column).join(', ');
    notes.push(
      `Audited for differences between groups of ${columns}: ${warnings ? `${plural(warnings, 'warning')}, see the Fairness section` : 'no warning'}.`,
    );
  } else {
    notes.push('No fairness audit was run. If the predictions affect people, audit them with --sensitive.');
  }
  notes.push(
    'Importance, SHAP and partial dependence describe what the model uses, not what causes the outcome.',
  );
  return notes;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function given(text: string | undefined): string | undefined {
  return text?.trim() ? text : undefined;
}

function givenList(items: readonly string[] | undefined): readonly string[] | undefined {
  return items?.length ? items : undefined;
}

/** The card's text: the caller's where given, drafted from the report where not. */
export function fillModelCard(report: ModelReport): FilledModelCard {
  const card = report.modelCard ?? {};
  const drafted: (keyof ModelCardText)[] = [];
  const pick = <T>(key: keyof ModelCardText, value: T | undefined, draft: () => T): T => {
    if (value !== undefined) return value;
    drafted.push(key);
    return draft();
  };
  return {
    intendedUse: pick('intendedUse', given(card.intendedUse), () => defaultIntendedUse(report)),
    trainingData: pick('trainingData', given(card.trainingData), () => defaultTrainingData(report)),
    metricsSummary: pick('metricsSummary', given(card.metricsSummary), () => defaultMetrics(report)),
    limitations: pick('limitations', givenList(card.limitations), () => defaultLimitations(report)),
    ethicalConsiderations: pick('ethicalConsiderations', givenList(card.ethicalConsiderations), () =>
      defaultEthics(report),
    ),
    drafted,
  };
}

function entry(title: string, body: Html, drafted: boolean): Html {
  const mark = drafted && html` <span class="tag tag-draft">drafted by keel</span>`;
  return html`<div class="card-entry"><dt>${title}${mark}</dt><dd>${body}</dd></div>`;
}

function list(items: readonly string[]): Html {
  return html`<ul class="plain">${items.map((i) => html`<li>${i}</li>`)}</ul>`;
}

export function modelCardSection(report: ModelReport): Html {
  const card = fillModelCard(report);
  const drafted = new Set(card.drafted);
  const entries = [
    entry('Intended use', html`<p>${card.intendedUse}</p>`, drafted.has('intendedUse')),
    entry('Training data', html`<p>${card.trainingData}</p>`, drafted.has('trainingData')),
    entry('Metrics', html`<p>${card.metricsSummary}</p>`, drafted.has('metricsSummary')),
    entry('Limitations', list(card.limitations), drafted.has('limitations')),
    entry('Ethical considerations', list(card.ethicalConsiderations), drafted.has('ethicalConsiderations')),
  ];
  const lead =
    'A one-page summary to keep with the model, for whoever uses or reviews it later. Parts marked “drafted by keel” were written from this report; a person who knows the use case should check them.';
  return panel('model-card', 'Model card', html`<dl class="model-card">${join(entries, '\n')}</dl>`, lead);
}
