/**
 * The chosen pipeline, step by step, with the reasons for the choice, the
 * preprocessing decisions, how it was validated and, for an ensemble, its members.
 */

import { escapeHtml, formatPercent } from '../../../report/format.js';
import type { CvDescription, EnsembleDescription, ModelReport } from '../types.js';
import { formatScore, panel, plural } from './common.js';

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

function cvPart(cv: CvDescription): string {
  const name = CV_NAMES[cv.kind] ?? cv.kind;
  const repeats = cv.repeats && cv.repeats > 1 ? `, repeated ${cv.repeats} times` : '';
  const meaning = CV_MEANING[cv.kind] ?? '';
  return `<h3>How it was validated</h3>
<p><strong>${escapeHtml(`${cv.folds}-fold ${name.replace('k-fold ', '')}${repeats}.`)}</strong> ${escapeHtml(meaning)} ${escapeHtml(cv.why)}</p>`;
}

function ensemblePart(ensemble: EnsembleDescription | undefined): string {
  if (!ensemble?.members.length) return '';
  const how =
    ensemble.method === 'stacking'
      ? 'A second model (stacking) learned how to combine the members’ out-of-fold predictions; the weights are its coefficients.'
      : 'Greedy ensemble selection repeatedly added the member that most improved the averaged out-of-fold predictions; a member added several times weighs more.';
  const rows = ensemble.members
    .map((m) => {
      const weight = ensemble.method === 'stacking' ? formatScore(m.weight) : formatPercent(m.weight);
      return `<tr><td>${escapeHtml(m.model)}</td><td class="num">${escapeHtml(weight)}</td></tr>`;
    })
    .join('');
  return `<h3>Ensemble of ${escapeHtml(plural(ensemble.members.length, 'model'))}</h3>
<p>${escapeHtml(how)}</p>
<div class="table-wrap"><table class="data narrow"><thead><tr><th>Member</th><th class="num">Weight</th></tr></thead><tbody>${rows}</tbody></table></div>`;
}

export function pipelineSection(report: ModelReport): string {
  const { choice } = report;
  const steps = choice.steps.length
    ? `<ol class="steps">${choice.steps.map((s) => `<li>${escapeHtml(s)}</li>`).join('')}</ol>`
    : '<p class="empty">The model takes the columns as they are, with no preprocessing step.</p>';
  const why = choice.why.length
    ? choice.why.map((w) => `<p>${escapeHtml(w)}</p>`).join('')
    : '<p>It had the best cross-validated score.</p>';
  const notes = choice.preprocessing.length
    ? `<h3>Preprocessing decisions</h3><ul class="plain">${choice.preprocessing.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul>`
    : '';
  const lead =
    'A pipeline is everything between a raw row and a prediction: filling gaps, encoding categories, scaling, and the model itself. It is fitted as one piece inside each fold, so no test row leaks into the training.';
  const body = [
    `<h3>${escapeHtml(choice.model)}</h3>`,
    steps,
    '<h3>Why this one</h3>',
    why,
    notes,
    cvPart(choice.cv),
    ensemblePart(choice.ensemble),
  ];
  return panel('pipeline', 'The chosen pipeline', body.filter(Boolean).join('\n'), lead);
}
