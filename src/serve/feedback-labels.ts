/**
 * Feedback labels are checked against the classes of the model version that
 * answered the request, so a typo ("Yes" for "yes") is refused when it is
 * sent, naming the labels that would do, rather than silently left out of
 * every later performance figure.
 */
import type { Json } from '../core/artifact.js';
import { UsageError } from '../core/errors.js';
import { classIndexOf } from '../models/target.js';
import type { FeedbackCheck } from '../registry/types.js';
import type { ModelSet } from './model-set.js';

/** Checks labels for versions this server holds; feedback for others is stored unchecked, as before. */
export function feedbackLabelCheck(models: ModelSet): FeedbackCheck {
  return (request, labels) => {
    const served = models
      .list()
      .find((s) => s.name === request.model && s.version.version === request.version)?.model;
    const classes = served?.classes;
    if (classes === undefined || !(served!.task === 'binary' || served!.task === 'multiclass')) return;
    labels.forEach((label, row) => {
      if (label === null || classIndexOf(labelText(label), classes) !== undefined) return;
      throw new UsageError(
        'serve.unknown-label',
        `labels[${row}] of the feedback for "${request.requestId}" is ${JSON.stringify(label)}, which is not a class of ${request.model} version ${request.version}`,
        {
          location: { field: `labels.${row}` },
          hint: `send one of ${classes.map((c) => JSON.stringify(c)).join(', ')} (or null for a row without a label)`,
        },
      );
    });
  };
}

function labelText(label: Json): string {
  return typeof label === 'string' ? label : JSON.stringify(label);
}
