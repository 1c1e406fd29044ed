/**
 * The chosen pipeline, step by step, with the reasons for the choice, the
 * preprocessing decisions, how it was validated and, for an ensemble, its members.
 */

import { formatPercent, formatScore } from '../../../report/format.js';
import { type Html, html, join } from '../../../report/html.js';
import type { CvDescription, EnsembleDescription, ModelReport } from '../types.js';
import { panel, plural } from './common.js';

const CV_NAMES: Readonly<Record<CvDescription['kind'], string>> = {
  kfold: 'k-fold cross-validation',
  stratified: 'stratified k-fold cross-validation',
  'time-series': 'time-ordered cross-validation',
  group: 'grouped k-fold cross-validation',
};

const CV_MEANING: Readonly<Record<CvDescription['kind'], string>> = {
  kfold:
    'The rows are split into folds; each fold is held out once while the model trains on the others, so every score comes from rows the model never saw.',
  stratified:
    'The rows are split into folds that each keep the share of every class, so a rare class is present in every test fold.',
  'time-series':
    'Each fold trains on earlier rows and tests on later ones, as the model will be used: to predict a future it has not seen.',
  group:
    'Rows of the same group stay in the same fold, so the model is always tested on groups it never saw in training.',
};

function cvPart(cv: CvDescription): Html {
  const name = CV_NAMES[cv.kind] ?? cv.kind;
  const repeats = cv.repeats && cv.repeats > 1 ? `, repeated ${cv.repeats} times` : '';
  const meaning = CV_MEANING[cv.kind] ?? '';
  return html`<h3>How it was validated</h3>
<p><strong>${cv.folds}-fold ${name.replace('k-fold ', '')}${repeats}.</strong> ${meaning} ${cv.why}</p>`;
}

function ensemblePart(ensemble: EnsembleDescription | undefined): Html | undefined {
  if (!ensemble?.members.length) return undefined;
  const how =
    ensemble.method === 'stacking'
      ? 'A second model (stacking) learned how to combine the members’ out-of-fold predictions; the weights are its coefficients.'
      : 'Greedy ensemble selection repeatedly added the member that most improved the averaged out-of-fold predictions; a member added several times weighs more.';
  const rows = ensemble.members.map((m) => {
    const weight = ensemble.method === 'stacking' ? formatScore(m.weight) : formatPercent(m.weight);
    return html`<tr><td>${m.model}</td><td class="num">${weight}</td></tr>`;
  });
  return html`<h3>Ensemble of ${plural(ensemble.members.length, 'model')}</h3>
<p>${how}</p>
<div class="table-wrap"><table class="data narrow"><thead><tr><th>Member</th><th class="num">Weight</th></tr></thead><tbody>${rows}</tbody></table></div>`;
}

export function pipelineSection(report: ModelReport): Html {
  const { choice } = report;
  const steps = choice.steps.length
    ? html`<ol class="steps">${choice.steps.map((s) => html`<li>${s}</li>`)}</ol>`
    : html`<p class="empty">The model takes the columns as they are, with no preprocessing step.</p>`;
  const why = choice.why.length
    ? choice.why.map((w) => html`<p>${w}</p>`)
    : html`<p>It had the best cross-validated score.</p>`;
  const notes =
    choice.preprocessing.length > 0 &&
    html`<h3>Preprocessing decisions</h3><ul class="plain">${choice.preprocessing.map((n) => html`<li>${n}</li>`)}</ul>`;
  const lead =
    'A pipeline is everything between a raw row and a prediction: filling gaps, encoding categories, scaling, and the model itself. It is fitted as one piece inside each fold, so no test row leaks into the training.';
  const body = [
    html`<h3>${choice.model}</h3>`,
    steps,
    html`<h3>Why this one</h3>`,
    why,
    notes,
    cvPart(choice.cv),
    ensemblePart(choice.ensemble),
  ];
  return panel('pipeline', 'The chosen pipeline', join(body.filter(Boolean), '\n'), lead);
}
