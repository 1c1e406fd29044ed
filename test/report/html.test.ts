import { describe, expect, it } from 'vitest';
import { type Html, html, join, raw } from '../../src/report/html.js';

describe('html', () => {
  it('escapes the five HTML-special characters of interpolated text', () => {
    const cell = html`<td>${`<a href="x" title='y'>&</a>`}</td>`;
    expect(String(cell)).toBe('<td>&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;</td>');
  });

  it('escapes attribute values, so text cannot close the quotes it stands in', () => {
    const hostile = '" onmouseover="alert(1)" x="';
    const cell = html`<td title="${hostile}" data-x='${"'><script>"}'>x</td>`;
    expect(String(cell)).toBe(
      '<td title="&quot; onmouseover=&quot;alert(1)&quot; x=&quot;" data-x=\'&#39;&gt;&lt;script&gt;\'>x</td>',
    );
  });

  it('turns control characters into the replacement character, as escapeHtml does', () => {
    expect(String(html`<p>${'a\x1b[31m\tb'}</p>`)).toBe('<p>a\ufffd[31m\tb</p>');
  });

  it('leaves the template itself alone', () => {
    expect(String(html`<p class="lead">Tom & Jerry's</p>`)).toBe('<p class="lead">Tom & Jerry\'s</p>');
  });

  it('inserts markup it made itself as it is, at any depth', () => {
    const name = '<b>';
    const inner = html`<strong>${name}</strong>`;
    const outer = html`<p>${inner} and ${html`<em>${inner}</em>`}</p>`;
    expect(String(outer)).toBe('<p><strong>&lt;b&gt;</strong> and <em><strong>&lt;b&gt;</strong></em></p>');
  });

  it('joins arrays, escaping the text in them and keeping the markup', () => {
    const items = ['a<b', 'c&d'].map((item) => html`<li>${item}</li>`);
    expect(String(html`<ul>${items}</ul>`)).toBe('<ul><li>a&lt;b</li><li>c&amp;d</li></ul>');
    expect(String(html`<p>${['<', html`<br>`, ['>', 1]]}</p>`)).toBe('<p>&lt;<br>&gt;1</p>');
  });

  it('writes numbers as JavaScript does', () => {
    expect(String(html`<rect x="${12.5}" y="${-3}" width="${0}"/>`)).toBe(
      '<rect x="12.5" y="-3" width="0"/>',
    );
  });

  it('renders null, undefined and false as nothing, but keeps zero and the empty string', () => {
    const missing: string | undefined = undefined;
    expect(String(html`<p>${null}${missing}${false}</p>`)).toBe('<p></p>');
    expect(String(html`<p>${1 > 2 && html`<b>never</b>`}${0}${''}</p>`)).toBe('<p>0</p>');
  });

  it('takes markup made elsewhere through raw, unescaped', () => {
    const svg = '<svg><title>a &amp; b</title></svg>';
    expect(String(html`<figure>${raw(svg)}</figure>`)).toBe(`<figure>${svg}</figure>`);
    expect(String(raw('<b>'))).toBe('<b>');
  });

  it('joins pieces with a text separator', () => {
    const links = ['x', 'y<'].map((name) => html`<a>${name}</a>`);
    expect(String(join(links, ' & '))).toBe('<a>x</a> &amp; <a>y&lt;</a>');
    expect(String(join(['a', html`<br>`], '\n'))).toBe('a\n<br>');
    expect(String(join([]))).toBe('');
  });

  it('takes nothing else for markup, at compile time or at run time', () => {
    const lookalike = { toString: () => '<b>' };
    // @ts-expect-error an object that prints markup is not markup
    const fake: Html = lookalike;
    // @ts-expect-error nor can it be put into the template
    expect(String(html`<p>${lookalike}</p>`)).toBe('<p>&lt;b&gt;</p>');
    expect(String(html`<p>${fake as never}</p>`)).toBe('<p>&lt;b&gt;</p>');
  });
});
