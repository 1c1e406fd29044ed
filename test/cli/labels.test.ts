/**
 * A classification target keeps the labels its file writes: through
 * training, batch and HTTP predictions, feedback, monitoring and ONNX export
 * (issue 21). Each case rewrites the yes/no `card` column of the synthetic
 * credit table into another spelling and follows it the whole way.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTable } from '../../src/data/read.js';
import { importOnnx } from '../../src/export/onnx/onnx-import.js';
import { openStore } from '../../src/registry/open.js';
import type { SqlStore } from '../../src/registry/sql-store.js';
import { PredictionLog } from '../../src/serve/prediction-log.js';
import { type RunningServer, serve } from '../../src/serve/server.js';
import { feeds } from '../export/onnx-parity.js';
import { keelIn, tempDir } from '../helpers.js';
import { rowsOf } from '../serve/fixtures.js';

const CREDIT = new URL('../fixtures/labels/credit.csv', import.meta.url).pathname;
const home = tempDir('keel-labels-');
const keel = keelIn({ ...process.env, KEEL_HOME: home, KEEL_STORE: '' });

const CASES = [
  { name: 'yesno', spell: { no: 'no', yes: 'yes' }, classes: ['no', 'yes'] },
  { name: 'truefalse', spell: { no: 'false', yes: 'true' }, classes: ['false', 'true'] },
  { name: 'coded', spell: { no: '1', yes: '2' }, classes: ['1', '2'] },
  { name: 'text', spell: { no: 'declined', yes: 'approved' }, classes: ['approved', 'declined'] },
] as const;

/** The credit table with `card` (its first column, never quoted) spelled another way. */
function respelled(spell: { readonly no: string; readonly yes: string }, path: string): string {
  const [header, ...rows] = readFileSync(CREDIT, 'utf8').trimEnd().split('\n');
  const card = (row: string) => row.slice(0, row.indexOf(','));
  const lines = rows.map((row) => `${spell[card(row) as 'no' | 'yes']}${row.slice(card(row).length)}`);
  writeFileSync(path, `${[header, ...lines].join('\n')}\n`);
  return path;
}

function expectRan(result: { code: number | null; stderr: string }): void {
  expect(result.stderr.includes('keel:') ? result.stderr : '').toBe('');
  expect(result.code).toBe(0);
}

describe.each(CASES)('a $name target keeps its labels', ({ name, spell, classes }) => {
  const data = join(home, `${name}.csv`);
  const written = [spell.no, spell.yes];

  beforeAll(() => {
    respelled(spell, data);
    // The date is left out so that the model exports to ONNX (date parts do not).
    expectRan(
      keel('train', data, '--target', 'card', '--model', 'logistic', '--drop', 'applied', '--register', name),
    );
  });

  it('in keel predict: the prediction and the proba_ columns, beside the card column as written', () => {
    const out = join(home, `${name}-scored.csv`);
    expectRan(keel('predict', name, data, '--out', out));
    const [header, ...rows] = readFileSync(out, 'utf8').trimEnd().split('\n');
    expect(header!.split(',').slice(-3)).toEqual(['prediction', ...classes.map((c) => `proba_${c}`)]);
    const predicted = new Set(rows.map((row) => row.split(',').at(-3)));
    expect([...predicted].sort()).toEqual([...written].sort());
    expect(new Set(rows.map((row) => row.slice(0, row.indexOf(','))))).toEqual(new Set(written));
  });

  describe('over HTTP', () => {
    let store: SqlStore;
    let server: RunningServer;
    let requestId: string;

    beforeAll(async () => {
      store = await openStore({ home });
      server = await serve({ store, port: 0, pollMs: 0, log: new PredictionLog(store) });
    });

    afterAll(async () => {
      await server?.close();
      await store?.close();
    });

    it('answers with the labels as written, and takes feedback in them', async () => {
      const frame = (await readTable(data)).drop(['card', 'applied']);
      const response = await fetch(`${server.url}/v1/models/${name}/predict`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(rowsOf(frame)),
      });
      const answer = JSON.parse(await response.text());
      expect(response.status).toBe(200);
      expect(answer.classes).toEqual(classes);
      expect(new Set(answer.predictions)).toEqual(new Set(written));
      requestId = answer.requestId;

      const truth = readFileSync(data, 'utf8').trimEnd().split('\n').slice(1);
      const labels = truth.map((row) => row.slice(0, row.indexOf(',')));
      await server.close(); // flushes the prediction log
      server = await serve({ store, port: 0, pollMs: 0 });
      const stored = await fetch(`${server.url}/v1/feedback`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ requestId, labels }),
      });
      expect(JSON.parse(await stored.text())).toEqual({ stored: 1, unknown: [] });
    });

    it('refuses feedback with a label that is not a class, naming the classes', async () => {
      const labels = Array.from({ length: 300 }, (_, i) => (i === 5 ? 'maybe' : spell.yes));
      const refused = await fetch(`${server.url}/v1/feedback`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ requestId, labels }),
      });
      expect(refused.status).toBe(400);
      const body = JSON.parse(await refused.text());
      expect(body.message).toContain('labels[5] of the feedback');
      expect(body.hint).toContain(classes.map((c) => `"${c}"`).join(', '));
      const logged = await store.listPredictions({ model: name });
      expect(logged[0]!.feedback?.labels).not.toContain('maybe'); // the first feedback stands
    });
  });

  it('in keel monitor: the file labels and the feedback labels are all usable', () => {
    const fromFile = keel('monitor', name, '--current', data, '--min-rows', '10', '--json');
    const fileReport = JSON.parse(fromFile.stdout);
    expect(fileReport.model.classes).toEqual(classes);
    expect(fileReport.windows[0]).toMatchObject({ labelled: 300, performance: { rows: 300 } });
    const fromLog = keel(
      'monitor',
      name,
      '--window',
      '1000rows',
      '--windows',
      '1',
      '--min-rows',
      '1',
      '--json',
    );
    const logReport = JSON.parse(fromLog.stdout);
    expect(logReport.windows.at(-1)).toMatchObject({ labelled: 300, performance: { rows: 300 } });
  });

  it('in keel monitor: a file label that is not a class is refused, naming the classes', () => {
    const lines = readFileSync(data, 'utf8').split('\n');
    lines[4] = `maybe${lines[4]!.slice(lines[4]!.indexOf(','))}`;
    const odd = join(home, `${name}-odd.csv`);
    writeFileSync(odd, lines.join('\n'));
    const refused = keel('monitor', name, '--current', odd, '--min-rows', '10');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('row 4: "maybe" is not a class of the model');
    expect(refused.stderr).toContain(classes.map((c) => `"${c}"`).join(', '));
  });

  it('in the ONNX export: string labels, and the classes in the metadata', async () => {
    const file = join(home, `${name}.onnx`);
    expectRan(keel('export', name, '--onnx', file));
    const session = await ort.InferenceSession.create(readFileSync(file));
    const frame = (await readTable(data)).drop(['card', 'applied']);
    const out = await session.run(feeds(session.inputNames, frame));
    expect(new Set(out['label']!.data as string[])).toEqual(new Set(written));
    expect(readFileSync(file).toString('utf8')).toContain(JSON.stringify(classes)); // keel.classes

    // Imported back without --classes, it answers in the same words.
    const store = await openStore({ home });
    const version = await store.getVersion(name, 1).finally(() => store.close());
    const imported = await importOnnx(readFileSync(file), { name: `${name}-onnx`, schema: version!.schema });
    expect(imported.classes).toEqual(classes);
    const predicted = imported.predict(frame);
    expect(new Set(Array.from(predicted, (p) => classes[p]))).toEqual(new Set(written));
  });
});
