/**
 * The reports on a profile computed by profileFrame (not hand-built), so a
 * change in what the profiler emits that the renderers cannot draw shows up here.
 */

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTable } from '../../src/data/read.js';
import { profileFrame } from '../../src/profile/profile.js';
import { renderProfileHtml, renderProfileText } from '../../src/profile/report/index.js';
import { DATASETS } from '../helpers.js';

describe('reports of the iris data set', async () => {
  const frame = await readTable(join(DATASETS, 'iris.csv'));
  const profile = profileFrame(frame, { target: 'target' });

  it('draws one chart per column plus the overview charts', () => {
    const html = renderProfileHtml(profile);
    const columnCharts = html.split('<article class="card').slice(1);
    expect(columnCharts).toHaveLength(5);
    for (const card of columnCharts) expect(card).toContain('<svg class="chart ');
    // Four numeric columns and the integer target: Pearson and Spearman only.
    expect(html.split('class="chart chart-heatmap"')).toHaveLength(3);
    expect(html).toContain('class="chart chart-association"');
    expect(html).toContain('Every column is complete');
  });

  it('prints every column within 80 characters', () => {
    const text = renderProfileText(profile, { width: 80 });
    for (const name of ['sepal length (cm)', 'petal width (cm)']) expect(text).toContain(name);
    for (const line of text.split('\n')) expect([...line].length).toBeLessThanOrEqual(80);
  });
});
