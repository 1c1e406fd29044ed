import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Frame } from '../../src/data/frame.js';
import type { Model } from '../../src/estimator/contract.js';
import { linearRegression } from '../../src/models/linear/ridge.js';
import { targetFromFrame } from '../../src/models/target.js';
import { pipeline } from '../../src/prep/pipeline.js';
import { standardScaler } from '../../src/prep/scale.js';
import type { Store } from '../../src/registry/types.js';
import { type RunningServer, serve } from '../../src/serve/server.js';
import { dataset, freshStore, register, rowsOf, trainLikeCli } from './fixtures.js';

let store: Store;
let server: RunningServer;
let iris: Frame;
let diamonds: Frame;
let irisModel: Model;
let diamondsModel: Model;

beforeAll(async () => {
  ({ store } = await freshStore());
  iris = (await dataset('iris')).drop([]);
  irisModel = trainLikeCli(iris, 'target', 'logistic');
  await register(store, 'iris', irisModel, iris.drop(['target']));
  const d = await dataset('diamonds', 1500);
  diamonds = d.drop(['price']);
  diamondsModel = trainLikeCli(d, 'price', 'gbdt', { trees: 30 });
  await register(store, 'diamonds', diamondsModel, diamonds);
  // A model that cannot take missing values: scaling then least squares, no imputer.
  const housing = await dataset('diabetes');
  const strict = pipeline([standardScaler()], linearRegression()).fit(
    housing.drop(['target']),
    targetFromFrame(housing, 'target'),
  );
  await register(store, 'strict', strict, housing.drop(['target']));
  server = await serve({ store, port: 0, bodyLimitBytes: 256 * 1024, pollMs: 0 });
});

afterAll(async () => {
  await server?.close();
  await store?.close();
});

async function post(path: string, body: string, type = 'application/json') {
  const response = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': type },
    body,
  });
  return { status: response.status, body: JSON.parse(await response.text()), headers: response.headers };
}

const predictIris = (body: unknown) => post('/v1/models/iris/predict', JSON.stringify(body));

function csvOf(frame: Frame): string {
  const rows = rowsOf(frame);
  const names = frame.names;
  const quote = (v: unknown) =>
    v === null ? '' : /[",\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v);
  return [names.map(quote).join(','), ...rows.map((r) => names.map((n) => quote(r[n])).join(','))].join('\n');
}

describe('predictions', () => {
  it('answers rows, columns and CSV bodies with exactly what model.predict gives', async () => {
    const features = iris.drop(['target']).take([0, 1, 50, 51, 100, 149]);
    const expected = Array.from(irisModel.predict(features), (k) => irisModel.classes![k]);
    const proba = irisModel.predictProba!(features);
    const byRows = await predictIris(rowsOf(features));
    expect(byRows.status).toBe(200);
    expect(byRows.body).toMatchObject({
      model: 'iris',
      version: 1,
      predictions: expected,
      classes: ['0', '1', '2'],
    });
    expect(byRows.body.probabilities.flat()).toEqual(Array.from(proba));
    expect(byRows.body.requestId).toBe(byRows.headers.get('x-request-id'));

    const columns = Object.fromEntries(features.names.map((n) => [n, rowsOf(features).map((r) => r[n])]));
    expect((await predictIris(columns)).body.predictions).toEqual(expected);
    const byCsv = await post('/v1/models/iris/predict', csvOf(features), 'text/csv');
    expect(byCsv.status).toBe(200);
    expect(byCsv.body.predictions).toEqual(expected);
    expect(byCsv.body.probabilities.flat()).toEqual(Array.from(proba));
  });

  it('predicts a regression with categorical inputs as the model does, one row or many', async () => {
    const rows = diamonds.take([0, 7, 99, 1000, 1499]);
    const expected = Array.from(diamondsModel.predict(rows));
    const answer = await post('/v1/models/diamonds/predict', JSON.stringify(rowsOf(rows)));
    expect(answer.status).toBe(200);
    expect(answer.body.predictions).toEqual(expected);
    expect(answer.body.classes).toBeUndefined();
    const one = await post('/v1/models/diamonds/predict', JSON.stringify(rowsOf(rows)[2]));
    expect(one.body.predictions).toEqual([expected[2]]);
    const csv = await post('/v1/models/diamonds/predict', csvOf(rows), 'text/csv; charset=utf-8');
    expect(csv.body.predictions).toEqual(expected);
  });

  it('reads an unseen category as missing with a warning, and warns about values far outside training', async () => {
    const row = { ...rowsOf(diamonds, 0, 1)[0], cut: 'Astonishing', carat: 40 };
    const answer = await post('/v1/models/diamonds/predict', JSON.stringify([row]));
    expect(answer.status).toBe(200);
    const asMissing = diamonds.take([0]).withColumn({
      ...(diamonds.column('cut') as Extract<ReturnType<Frame['column']>, { storage: 'categorical' }>),
      codes: Int32Array.of(-1),
    });
    const carat = asMissing.withColumn({
      storage: 'number',
      name: 'carat',
      kind: 'numeric',
      values: Float64Array.of(40),
    });
    expect(answer.body.predictions).toEqual(Array.from(diamondsModel.predict(carat)));
    expect(answer.body.warnings).toEqual([
      {
        row: 0,
        field: 'carat',
        warning: expect.stringMatching(/40 is far above the training range 0\.2\.\.\d/),
      },
      { row: 0, field: 'cut', warning: expect.stringContaining('"Astonishing" was not seen in training') },
    ]);
    expect(answer.body.warningCount).toBe(2);
  });
});

describe('explanations', () => {
  it('adds each row’s top contributions with ?explain=true, adding up to the prediction', async () => {
    const rows = diamonds.take([3, 400]);
    const expected = Array.from(diamondsModel.predict(rows));
    const top3 = await post('/v1/models/diamonds/predict?explain=true&top=3', JSON.stringify(rowsOf(rows)));
    expect(top3.status).toBe(200);
    expect(top3.body.predictions).toEqual(expected);
    expect(top3.body.explanations).toHaveLength(2);
    expect(top3.body.explanations[0].contributions).toHaveLength(3);
    const all = await post('/v1/models/diamonds/predict?explain=true&top=100', JSON.stringify(rowsOf(rows)));
    all.body.explanations.forEach(
      (e: { baseline: number; contributions: { value: number }[] }, i: number) => {
        expect(e.contributions).toHaveLength(diamonds.columnCount);
        const sum = e.contributions.reduce((s, c) => s + c.value, e.baseline);
        expect(sum).toBeCloseTo(expected[i]!, 6);
      },
    );
    const bad = await post('/v1/models/diamonds/predict?explain=true&top=zero', JSON.stringify(rowsOf(rows)));
    expect(bad.status).toBe(400);
    expect(bad.body.error).toBe('serve.bad-query');
  });
});

describe('validation', () => {
  it('lists every problem of a request by row and field in one 422', async () => {
    const good = rowsOf(iris.drop(['target']), 0, 3);
    const body = [
      { ...good[0], 'petal width (cm)': 'wide', colour: 'blue' },
      { ...good[1], 'sepal length (cm)': [1, 2] },
      good[2],
      'not a row',
    ];
    delete (body[2] as Record<string, unknown>)['sepal width (cm)'];
    const answer = await predictIris(body);
    expect(answer.status).toBe(422);
    expect(answer.body.error).toBe('serve.invalid-input');
    expect(answer.body.problems).toEqual(
      expect.arrayContaining([
        { row: 3, field: null, problem: 'a row must be an object of column → value' },
        { row: null, field: 'colour', problem: 'unknown column' },
        { row: 0, field: 'petal width (cm)', problem: 'expected a number, got the text "wide"' },
        { row: 1, field: 'sepal length (cm)', problem: 'expected a number, got an array' },
      ]),
    );
    expect(answer.body.problemCount).toBe(answer.body.problems.length);
  });

  it('names missing columns, and accepts a null value where the model imputes', async () => {
    const row = rowsOf(iris.drop(['target']), 0, 1)[0]!;
    const { 'petal length (cm)': _, ...without } = row;
    const missingColumn = await predictIris([without]);
    expect(missingColumn.status).toBe(422);
    expect(missingColumn.body.problems).toEqual([
      { row: null, field: 'petal length (cm)', problem: 'missing column (numeric)' },
    ]);
    const nullValue = await predictIris([{ ...row, 'petal length (cm)': null }]);
    expect(nullValue.status).toBe(200);
  });

  it('refuses a missing value, NaN or Infinity where the model cannot use it', async () => {
    const housing = (await dataset('diabetes')).drop(['target']);
    const rows = rowsOf(housing, 0, 3);
    const text = JSON.stringify([{ ...rows[0], age: null }, rows[1], { ...rows[2], bmi: 1 }])
      .replace('"bmi":1', '"bmi":Infinity')
      .replace(/"bp":[^,]+/, '"bp":NaN');
    const answer = await post('/v1/models/strict/predict', text);
    expect(answer.status).toBe(422);
    expect(answer.body.problems).toEqual([
      { row: 0, field: 'age', problem: 'missing value: this model needs one here' },
      { row: 0, field: 'bp', problem: 'missing value: this model needs one here' },
      { row: 2, field: 'bmi', problem: 'Infinity is not a finite number' },
    ]);
    const fine = await post('/v1/models/strict/predict', JSON.stringify(rows));
    expect(fine.status).toBe(200);
  });

  it('refuses unseen categories when the server is told to', async () => {
    const strictServer = await serve({ store, port: 0, pollMs: 0, unseen: 'refuse', models: ['diamonds'] });
    try {
      const row = { ...rowsOf(diamonds, 0, 1)[0], color: 'Z' };
      const response = await fetch(`${strictServer.url}/v1/models/diamonds/predict`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify([row]),
      });
      expect(response.status).toBe(422);
      const body = JSON.parse(await response.text());
      expect(body.problems).toEqual([
        { row: 0, field: 'color', problem: expect.stringContaining('category "Z" was not seen in training') },
      ]);
    } finally {
      await strictServer.close();
    }
  });
});

describe('faults answer 4xx and the server stays up', () => {
  const healthy = async () => {
    const answer = await predictIris(rowsOf(iris.drop(['target']), 0, 1));
    expect(answer.status).toBe(200);
  };

  it.each([
    ['malformed JSON', '[{"a": 1,', 'application/json', 400, 'serve.malformed-json'],
    ['an empty body', '', 'application/json', 400, 'serve.malformed-json'],
    [
      'a wrong content type',
      'sepal=1',
      'application/x-www-form-urlencoded',
      415,
      'serve.unsupported-media-type',
    ],
    ['a body over the limit', `[${'1,'.repeat(200_000)}1]`, 'application/json', 413, 'serve.body-too-large'],
    [
      'deeply nested JSON',
      `${'['.repeat(50_000)}${']'.repeat(50_000)}`,
      'application/json',
      422,
      'serve.invalid-input',
    ],
    ['an unclosed CSV quote', 'a,b\n"1,2\n', 'text/csv', 400, 'serve.malformed-csv'],
  ])('%s', async (_, body, type, status, code) => {
    const answer = await post('/v1/models/iris/predict', body, type);
    expect(answer.status).toBe(status);
    expect(answer.body).toMatchObject({ error: code, message: expect.any(String) });
    await healthy();
  });

  it('10,000 columns: one 422 that counts them all and lists the first thousand', async () => {
    const row: Record<string, number> = {};
    for (let j = 0; j < 10_000; j++) row[`c${j}`] = j;
    const answer = await predictIris([row]);
    expect(answer.status).toBe(422);
    expect(answer.body.problemCount).toBe(10_004); // 10,000 unknown + 4 missing
    expect(answer.body.problems).toHaveLength(1000);
    await healthy();
  });

  it('an unknown model or route is a 404 in the same error shape', async () => {
    const unknown = await predictIris([]).then(() => post('/v1/models/irises/predict', '[]'));
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({
      error: 'serve.unknown-model',
      hint: expect.stringContaining('iris'),
    });
    const route = await fetch(`${server.url}/v2/nothing`);
    expect(route.status).toBe(404);
    expect(JSON.parse(await route.text()).error).toBe('serve.not-found');
  });
});

describe('models, probes, metrics and docs', () => {
  it('lists models with versions, aliases and schemas', async () => {
    await store.setAlias('iris', 'champion', 1);
    const listed = await getJson(`${server.url}/v1/models`);
    const irisEntry = listed.models.find((m: { name: string }) => m.name === 'iris');
    expect(irisEntry).toMatchObject({
      version: 1,
      task: 'multiclass',
      aliases: { champion: 1 },
      versions: [1],
    });
    expect(irisEntry.schema.columns.map((c: { name: string }) => c.name)).toEqual(
      iris.drop(['target']).names,
    );
    const strict = listed.models.find((m: { name: string }) => m.name === 'strict');
    expect(strict.acceptsMissing).toEqual([]);
  });

  it('answers /health and /ready', async () => {
    expect(await getJson(`${server.url}/health`)).toEqual({ status: 'ok' });
    const ready = await getJson(`${server.url}/ready`);
    expect(ready.status).toBe('ready');
    expect(ready.models.map((m: { name: string }) => m.name).sort()).toEqual(['diamonds', 'iris', 'strict']);
  });

  it('counts requests by route and status, rows scored and predicted classes in /metrics', async () => {
    const before = await metricsText();
    await predictIris(rowsOf(iris.drop(['target']), 0, 3));
    await predictIris([{ nope: 1 }]);
    const after = await metricsText();
    const route = 'route="/v1/models/:name/predict",method="POST"';
    expect(counter(after, `keel_http_requests_total{${route},status="200"}`)).toBe(
      counter(before, `keel_http_requests_total{${route},status="200"}`) + 1,
    );
    expect(counter(after, `keel_http_requests_total{${route},status="422"}`)).toBe(
      counter(before, `keel_http_requests_total{${route},status="422"}`) + 1,
    );
    expect(counter(after, 'keel_rows_scored_total{model="iris",version="1"}')).toBe(
      counter(before, 'keel_rows_scored_total{model="iris",version="1"}') + 3,
    );
    expect(counter(after, 'keel_predicted_class_total{model="iris",version="1",class="0"}')).toBe(
      counter(before, 'keel_predicted_class_total{model="iris",version="1",class="0"}') + 3,
    );
    expect(after).toMatch(
      /keel_http_request_duration_seconds_bucket\{route="\/v1\/models\/:name\/predict",le="\+Inf"\} \d+/,
    );
    expect(after).toMatch(/keel_prediction_value_count\{model="diamonds",version="1"\} \d+/);
  });

  it('serves Swagger UI at /docs and an OpenAPI document with each model’s columns', async () => {
    const docs = await fetch(`${server.url}/docs`, { redirect: 'follow' });
    expect(docs.status).toBe(200);
    expect(docs.headers.get('content-type')).toContain('text/html');
    expect(await docs.text()).toContain('Swagger UI');
    const doc = await getJson(`${server.url}/openapi.json`);
    expect(doc.openapi).toMatch(/^3\./);
    const diamondsPath = doc.paths['/v1/models/diamonds/predict'].post;
    const rowSchema = diamondsPath.requestBody.content['application/json'].schema.oneOf[0].items;
    expect(Object.keys(rowSchema.properties)).toEqual(diamonds.names);
    expect(rowSchema.properties.cut.enum).toEqual(['Fair', 'Good', 'Ideal', 'Premium', 'Very Good']);
    const uiDoc = await getJson(`${server.url}/docs/json`);
    expect(Object.keys(uiDoc.paths)).toContain('/v1/models/iris/predict');
  });
});

async function metricsText(): Promise<string> {
  const response = await fetch(`${server.url}/metrics`);
  expect(response.headers.get('content-type')).toContain('text/plain');
  return response.text();
}

function counter(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
}

/** The JSON body of a GET (typed any, as JSON.parse is). */
async function getJson(url: string) {
  return JSON.parse(await (await fetch(url)).text());
}
