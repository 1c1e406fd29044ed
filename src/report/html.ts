/**
 * Markup that escapes by default. The reports build their pages with the
 * `html` tagged template: every string or number put into it is escaped, so
 * user text (a column name, a category, a message) cannot become markup
 * however it is spelt, and only what `html` itself returned goes in as markup.
 * `raw` is the one way round it, for markup made elsewhere that has its own
 * escaping (a finished chart, a stylesheet, script-safe JSON); each use is a
 * place to look at when reviewing.
 */

import { escapeHtml } from './format.js';

/**
 * A piece of markup. Its private field makes the type nominal, and the class
 * is exported as a type only, so nothing outside this module can make one
 * except through `html` and `raw`.
 */
class Html {
  readonly #markup: string;

  constructor(markup: string) {
    this.#markup = markup;
  }

  toString(): string {
    return this.#markup;
  }
}

export type { Html };

/**
 * What may be put into the template: text and numbers (escaped), markup (as
 * it is), lists of either (joined), and nothing at all (null, undefined or
 * false, so `cond && html\`…\`` reads naturally).
 */
export type Interpolation = Html | string | number | false | null | undefined | readonly Interpolation[];

function render(value: Interpolation): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof Html) return value.toString();
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

/** Markup from a template; every interpolated value is escaped unless it is markup already. */
export function html(strings: TemplateStringsArray, ...values: readonly Interpolation[]): Html {
  let markup = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) markup += render(values[i]!) + (strings[i + 1] ?? '');
  return new Html(markup);
}

/** Text that is markup already, inserted unescaped: only for markup made, and escaped, elsewhere. */
export function raw(markup: string): Html {
  return new Html(markup);
}

/** Pieces with a separator between them (the separator is text, escaped like any other). */
export function join(parts: readonly Interpolation[], separator: Interpolation = ''): Html {
  const rendered = parts.map(render);
  return new Html(rendered.join(render(separator)));
}
