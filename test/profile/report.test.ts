import { describe, expect, it } from 'vitest';
import { renderProfileHtml, renderProfileText } from '../../src/profile/report/index.js';
import { rankFindings } from '../../src/profile/report/summary.js';
import type { Profile } from '../../src/profile/types.js';
import { escapeHtml, formatCompact, formatDate, formatPercent } from '../../src/report/format.js';
import { barChartSvg, heatmapSvg, histogramSvg, niceTicks } from '../../src/report/svg.js';
import {
  CONTROL_NAME,
  HOSTILE_LEVEL,
  HOSTILE_NAME,
  hostileProfile,
} from '../fixtures/profile/hostile-profile.js';
import { sampleProfile } from '../fixtures/profile/sample-profile.js';

function embeddedProfile(html: string): unknown {
  const match = /<script type="application\/json" id="keel-profile">([\s\S]*?)<\/script>/.exec(html);
  expect(match).not.toBeNull();
  return JSON.parse(match![1]!);
}

function count(haystack: string, needle: string | RegExp): number {
  return haystack.split(needle).length - 1;
}

describe('formatting', () => {
  it('writes numbers compactly', () => {
    expect(formatCompact(1234)).toBe('1.23k');
    expect(formatCompact(3_400_000)).toBe('3.4M');
    expect(formatCompact(999_999)).toBe('1M');
    expect(formatCompact(0.79794)).toBe('0.798');
    expect(formatCompact(-0.5)).toBe('−0.5');
    expect(formatCompact(0.00012)).toBe('1.2e-4');
    expect(formatCompact(0)).toBe('0');
    expect(formatCompact(Number.NaN)).toBe('—');
    expect(formatCompact(null)).toBe('—');
  });

  it('writes rates as percentages that keep tiny ones visible', () => {
    expect(formatPercent(0.61)).toBe('61%');
    expect(formatPercent(0.012)).toBe('1.2%');
    expect(formatPercent(0.0001)).toBe('<0.1%');
    expect(formatPercent(0)).toBe('0%');
  });

  it('writes dates at the precision the range needs', () => {
    const ms = Date.UTC(2021, 2, 4, 5, 6);
    expect(formatDate(ms, 10 * 365 * 86_400_000)).toBe('2021');
    expect(formatDate(ms, 200 * 86_400_000)).toBe('2021-03');
    expect(formatDate(ms, 10 * 86_400_000)).toBe('2021-03-04');
    expect(formatDate(ms, 3_600_000)).toBe('2021-03-04 05:06');
  });

  it('escapes the five HTML-special characters', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
    expect(escapeHtml('a\x1b[31m\tb\nc')).toBe('a\ufffd[31m\tb\nc');
  });
});

describe('SVG charts', () => {
  it('draws one titled bar per histogram bin, under a count axis that reaches past the tallest bar', () => {
    const svg = histogramSvg({ edges: [0, 1, 2, 3], counts: [5, 17, 2], label: 'h' });
    expect(svg).toMatch(/^<svg class="chart chart-histogram" role="img" aria-label="h"/);
    expect(count(svg, '<rect')).toBe(3);
    expect(svg).toContain('<title>1 to 2: 17 rows (71%)</title>');
    expect(niceTicks(0, 17, 4, true).at(-1)!.value).toBeGreaterThanOrEqual(17);
  });

  it('labels a datetime histogram with dates, not epoch milliseconds', () => {
    const from = Date.UTC(2019, 0, 1);
    const to = Date.UTC(2024, 0, 1);
    const svg = histogramSvg({
      edges: [from, (from + to) / 2, to],
      counts: [1, 2],
      datetime: true,
      label: 'd',
    });
    expect(svg).toContain('>2020<');
    expect(svg).not.toMatch(/>1\.\d+T</);
  });

  it('escapes labels in bar charts and their tooltips', () => {
    const svg = barChartSvg({ labels: ['<b>"x"</b>'], values: [3], label: 'a & b' });
    expect(svg).not.toContain('<b>');
    expect(svg).toContain('&lt;b&gt;&quot;x&quot;&lt;/b&gt;');
    expect(svg).toContain('aria-label="a &amp; b"');
  });

  it('greys out undefined heatmap cells and prints n/a for them', () => {
    const svg = heatmapSvg({
      rowLabels: ['a', 'b'],
      colLabels: ['a', 'b'],
      matrix: [
        [1, Number.NaN],
        [null, -0.004],
      ],
      scale: 'diverging',
      label: 'm',
    });
    expect(count(svg, '<title>a × b: n/a</title>')).toBe(1);
    expect(svg).toContain('<title>b × b: 0.00</title>');
    expect(svg).not.toContain('−0.00');
  });
});

describe('renderProfileHtml', () => {
  const html = renderProfileHtml(sampleProfile);
  const hostile = renderProfileHtml(hostileProfile);

  it('escapes a column named like a script tag and a level that closes a script block', () => {
    expect(hostile).not.toContain(HOSTILE_NAME);
    expect(hostile).not.toContain('<img');
    expect(hostile).not.toContain('<b>');
    expect(hostile).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(hostile).toContain(escapeHtml(HOSTILE_LEVEL));
    // Only our two blocks open or close a script: the JSON data and the table sorter.
    expect(count(hostile, /<script/i)).toBe(2);
    expect(count(hostile, /<\/script/i)).toBe(2);
  });

  it('embeds the profile as JSON that parses back to the same profile', () => {
    expect(embeddedProfile(html)).toEqual(sampleProfile);
    expect(embeddedProfile(hostile)).toEqual(hostileProfile);
  });

  it('draws a chart in every column card except for ID columns', () => {
    const cards = html.split('<article class="card').slice(1);
    expect(cards).toHaveLength(sampleProfile.columnProfiles.length);
    sampleProfile.columnProfiles.forEach((column, i) => {
      const charts = count(cards[i]!, '<svg class="chart ');
      expect(charts, column.name).toBe(column.kind === 'id' ? 0 : 1);
      const expected = ['numeric', 'integer', 'datetime'].includes(column.kind) ? 'histogram' : 'bar';
      if (column.kind !== 'id') expect(cards[i], column.name).toContain(`chart-${expected}"`);
    });
  });

  it('lists findings most severe first, keeping the given order among equals', () => {
    const severities = [...html.matchAll(/data-severity="(\w+)"/g)].map((m) => m[1]);
    expect(severities).toEqual(['high', 'high', 'medium', 'medium', 'medium', 'low', 'low', 'low', 'info']);
    const lows = rankFindings(sampleProfile.findings).filter((f) => f.severity === 'low');
    expect(lows.map((f) => f.columns[0])).toEqual(['z', 'dealer_code', 'y']);
  });

  it('shows Pearson, Spearman, Cramér’s V and correlation-ratio heatmaps, and the target charts', () => {
    expect(count(html, 'class="chart chart-heatmap"')).toBe(4);
    expect(count(html, 'class="chart chart-missing"')).toBe(1);
    expect(count(html, 'class="chart chart-association"')).toBe(1);
    expect(html).toContain('<h2>Target: price (regression)</h2>');
  });

  it('leaves out Cramér’s V with fewer than two categorical columns, and the target section without a target', () => {
    const profile: Profile = {
      ...sampleProfile,
      target: undefined,
      task: undefined,
      targetAssociation: [],
      correlations: {
        ...sampleProfile.correlations,
        categorical: ['cut'],
        cramersV: [[1]],
        correlationRatio: [],
      },
    };
    const page = renderProfileHtml(profile);
    expect(count(page, 'class="chart chart-heatmap"')).toBe(2);
    expect(page).not.toContain('id="target"');
  });

  it('says every column is complete instead of drawing empty missing-value tracks', () => {
    const complete: Profile = {
      ...sampleProfile,
      columnProfiles: sampleProfile.columnProfiles.map((c) => ({ ...c, missing: 0, missingRate: 0 })),
    };
    const page = renderProfileHtml(complete);
    expect(page).not.toContain('chart-missing');
    expect(page).toContain('no value is missing');
  });

  it('ranks at most 20 columns by mutual information and says how many were left out', () => {
    const many: Profile = {
      ...sampleProfile,
      targetAssociation: Array.from({ length: 30 }, (_, i) => ({
        column: `f${i}`,
        mutualInformation: 1 - i / 30,
      })),
    };
    const page = renderProfileHtml(many);
    const chart = /<svg class="chart chart-association"[\s\S]*?<\/svg>/.exec(page)![0];
    expect(count(chart, '<rect')).toBe(20);
    expect(page).toContain('The 20 highest of 30 columns are shown.');
  });

  it('needs nothing from the network', () => {
    expect(html).not.toMatch(/\b(src|href)\s*=\s*["']?(https?:)?\/\//i);
    expect(html).not.toMatch(/@import|url\(/i);
    expect(html).toContain("default-src 'none'");
  });

  it('puts a reading hint under every plot', () => {
    const figures = html.split('<figure class="plot">').slice(1);
    for (const figure of figures) expect(figure).toMatch(/<figcaption>[^<]{40,}<\/figcaption>/);
  });
});

describe('renderProfileText', () => {
  const text = renderProfileText(sampleProfile);
  const lines = text.split('\n');

  it('keeps every line within the width', () => {
    for (const width of [40, 72, 100, 140]) {
      const out = renderProfileText(hostileProfile, { width, color: true });
      for (const line of out.split('\n')) {
        // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping colour codes before measuring
        expect([...line.replace(/\x1b\[[\d;]*m/g, '')].length, line).toBeLessThanOrEqual(width);
      }
    }
  });

  it('aligns the column table: every figure ends in the same place on every row', () => {
    const header = lines.find((l) => l.startsWith('column'))!;
    const kindAt = header.indexOf('kind');
    const missingEnd = header.indexOf('missing') + 'missing'.length;
    const rows = lines.slice(lines.indexOf(header) + 1, lines.indexOf(header) + 1 + sampleProfile.columns);
    expect(rows).toHaveLength(17);
    for (const [i, row] of rows.entries()) {
      const column = sampleProfile.columnProfiles[i]!;
      expect(row.slice(kindAt).startsWith(column.kind), row).toBe(true);
      expect(row.slice(0, missingEnd).endsWith('%'), row).toBe(true);
    }
    expect(rows.find((r) => r.startsWith('carat'))).toMatch(/0\.798\s+0\.474\s+0\.2\s+(0\.7\s+)?5\.01$/);
  });

  it('truncates long names with an ellipsis to fit a narrow width', () => {
    const long = 'a_very_long_column_name_that_cannot_fit';
    const profile: Profile = {
      ...sampleProfile,
      columnProfiles: sampleProfile.columnProfiles.map((c, i) => (i === 1 ? { ...c, name: long } : c)),
    };
    const out = renderProfileText(profile, { width: 48 });
    expect(out).not.toContain(long);
    expect(out).toMatch(/^a_very_long\S*…\s+numeric/m);
  });

  it('colours severity tags only when asked', () => {
    expect(text).not.toContain('\x1b');
    expect(text).toMatch(/^HIGH {4}notes is missing/m);
    const coloured = renderProfileText(sampleProfile, { color: true });
    expect(coloured).toContain('\x1b[1;31mHIGH\x1b[0m');
  });

  it('lists findings most severe first', () => {
    const tags = lines.map((l) => /^(HIGH|MEDIUM|LOW|INFO) /.exec(l)?.[1]).filter(Boolean);
    expect(tags).toEqual(['HIGH', 'HIGH', 'MEDIUM', 'MEDIUM', 'MEDIUM', 'LOW', 'LOW', 'LOW', 'INFO']);
  });

  it('neutralises control characters in user data', () => {
    const out = renderProfileText(hostileProfile);
    expect(out).not.toContain('\x1b');
    expect(out).not.toContain(CONTROL_NAME);
    expect(out).toContain('col\ufffd[31mred\ufffdnext');
  });
});
