/**
 * `keel monitor` on files (the log's windows are covered by shift-loop and
 * watch): the verdict and exit code, the HTML report, alerts in the store,
 * and the errors a user meets, each naming the file, line, column or field.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/random.js';
import { readTable } from '../../src/data/read.js';
import { writeCsv } from '../../src/data/write.js';
import type { MonitorReport } from '../../src/monitor/monitor-report.js';
import { MONITOR_REPORT_JSON_ID } from '../../src/monitor/report/index.js';
import { openStore } from '../../src/registry/open.js';
import { DATASETS, keelIn, tempDir } from '../helpers.js';
import { shiftDiamonds } from './shift-helpers.js';

const home = tempDir('keel-monitor-cli-');
const keel = keelIn({ ...process.env, KEEL_HOME: home, KEEL_STORE: '' });
const file = (name: string) => join(home, name);

beforeAll(async () => {
  const all = await readTable(join(DATASETS, 'diamonds.csv'));
  const order = new Rng(3).permutation(all.rowCount);
  const part = (from: number, rows: number) => all.take(order.subarray(from, from + rows));
  await writeCsv(part(0, 4000), file('train.csv'));
  await writeCsv(part(4000, 2000), file('same.csv'));
  await writeCsv(shiftDiamonds(part(6000, 2000)), file('shifted.csv'));
  const lines = readFileSync(file('same.csv'), 'utf8').split('\n');
  writeFileSync(
    file('bad-value.csv'),
    [...lines.slice(0, 6), lines[6]!.replace(/^[^,]+/, 'heavy'), ...lines.slice(7, 50)].join('\n'),
  );
  const header = lines[0]!.split(',');
  const depth = header.indexOf('depth');
  const drop = (line: string) =>
    line
      .split(',')
      .filter((_, j) => j !== depth)
      .join(',');
  writeFileSync(file('no-depth.csv'), lines.slice(0, 50).map(drop).join('\n'));
  const trained = keel(
    'train',
    file('train.csv'),
    '--target',
    'price',
    '--model',
    'gbdt',
    '--register',
    'gems',
  );
  expect(trained.code).toBe(0);
}, 120_000);

describe('keel monitor with files', () => {
  it('says OK and exits 0 on data like the training data, with performance from the target column', () => {
    const { code, stdout, stderr } = keel('monitor', 'gems', '--current', file('same.csv'));
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain('OK: no drift or decay in the most recent window (0 of 9 features drifted)');
    expect(stdout).toMatch(/performance: rmse \d+ \(\d+–\d+\) on 2,000 labelled rows · validation \d+ ± \d+/);
    expect(stdout).not.toContain('alerts recorded');
  });

  it('reports drift and decay, writes the HTML report, records alerts and exits 1', async () => {
    const out = file('reports/shifted.html');
    const { code, stdout } = keel('monitor', 'gems', '--current', file('shifted.csv'), '--out', out);
    expect(code).toBe(1);
    expect(stdout).toContain('DRIFT AND DECAY: 2 of 9 features drifted');
    expect(stdout).toMatch(/1 {2}carat .* DRIFTED\n2 {2}cut .* DRIFTED/);
    expect(stdout).toContain('alerts recorded: drift (critical), decay (critical)');
    const html = readFileSync(out, 'utf8');
    const embedded = new RegExp(`<script[^>]*id="${MONITOR_REPORT_JSON_ID}"[^>]*>([^<]*)</script>`).exec(
      html,
    );
    const report = JSON.parse(embedded![1]!) as MonitorReport;
    expect(report.verdict).toMatchObject({ drifted: true, decayed: true });
    expect(report.histograms.map((h) => h.column)).toContain('carat');
    expect(existsSync(`${out}.tmp`)).toBe(false);

    const store = await openStore({ home });
    try {
      const alerts = await store.listAlerts({ model: 'gems' });
      expect(alerts.map((a) => a.kind).sort()).toEqual(['decay', 'drift']);
      expect(alerts.find((a) => a.kind === 'drift')!.details['driftedFeatures']).toEqual(['carat', 'cut']);
    } finally {
      await store.close();
    }

    const json = keel('monitor', 'gems', '--current', file('shifted.csv'), '--json', '--no-alerts');
    expect(json.code).toBe(1);
    expect((JSON.parse(json.stdout) as MonitorReport).latest.dataset.driftedFeatures).toEqual([
      'carat',
      'cut',
    ]);
  });

  it('gives no verdict on fewer rows than a distance test needs, unless told to', () => {
    const small = file('small.csv');
    writeFileSync(small, readFileSync(file('same.csv'), 'utf8').split('\n').slice(0, 301).join('\n'));
    const refused = keel('monitor', 'gems', '--current', small);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      '300 rows is too few for a drift verdict against this reference (it takes 1000',
    );
    expect(keel('monitor', 'gems', '--current', small, '--min-rows', '300', '--no-alerts').code).toBe(0);
  });

  it('compares against a --reference file instead of the stored profile', () => {
    const { code, stdout } = keel(
      'monitor',
      'gems',
      '--reference',
      file('train.csv'),
      '--current',
      file('shifted.csv'),
    );
    expect(code).toBe(1);
    expect(stdout).toContain(`reference: ${file('train.csv')} (4,000 rows)`);
    expect(stdout).toContain('DRIFT AND DECAY: 2 of 9 features drifted');
    const same = keel(
      'monitor',
      'gems',
      '--reference',
      file('train.csv'),
      '--current',
      file('same.csv'),
      '--no-alerts',
    );
    expect(same.code).toBe(0);
  });

  it('names the file, line and column of data the model cannot read, and the field of a bad option', () => {
    const badValue = keel('monitor', 'gems', '--current', file('bad-value.csv'));
    expect(badValue.code).toBe(2);
    expect(badValue.stderr).toContain('bad-value.csv:7: column "carat": "heavy" is not a number');
    const noDepth = keel('monitor', 'gems', '--current', file('no-depth.csv'));
    expect(noDepth.stderr).toContain(
      'no-depth.csv: column "depth": the model cannot read the current data: missing column',
    );
    const cases: [string[], string][] = [
      [['nosuch'], 'no model is registered as "nosuch"'],
      [['gems@4'], 'model "gems" has no version 4'],
      [
        ['gems', '--window', '1y'],
        '--window must be a span of time (30m, 1h, 1d) or a number of rows (5000rows), not "1y"',
      ],
      [['gems', '--tolerance', '2'], '--tolerance must be a number from 0 to below 1'],
      [['gems', '--webhook', 'ftp://example.com'], 'not http: or https:'],
      [['gems', '--metric', 'roc_auc', '--current', file('same.csv')], 'the metric "roc_auc" is for binary'],
      [['gems'], 'the prediction log holds no requests for gems version 1'],
      [
        ['gems', '--current', file('same.csv'), '--target', 'cost'],
        'no column "cost" to read the true outcome from',
      ],
      [['gems', '--current', file('no-depth.csv'), '--min-rows', 'x'], '--min-rows must be a whole number'],
    ];
    for (const [args, message] of cases) {
      const { code, stderr } = keel('monitor', ...args);
      expect(code, args.join(' ')).toBe(2);
      expect(stderr).toContain(message);
    }
  });
});
