// The keel side of bench/gbdt.mjs: the same split, settings and measurements as
// gbdt_python.py, on the built library (dist/, or the folder in KEEL_DIST).
// EARLY_STOPPING is 'false' (the default, as the peers) or 'auto' (keel's default).
//   node bench/peers/gbdt-keel.mjs FILE TARGET TASK THREADS [EARLY_STOPPING]
import { pathToFileURL } from 'node:url';

const library = process.env.KEEL_DIST
  ? pathToFileURL(`${process.env.KEEL_DIST}/index.js`).href
  : new URL('../../dist/index.js', import.meta.url).href;
const { gbdtClassifier, gbdtRegressor, readTable, rootMeanSquaredError, rocAuc, targetFromFrame } =
  await import(library);

const [path, targetName, task, threads, earlyStopping = 'false'] = process.argv.slice(2);
const frame = await readTable(path);
const target = targetFromFrame(frame, targetName, task);
const features = frame.drop([targetName]);
const testRows = [];
const trainRows = [];
for (let i = 0; i < frame.rowCount; i++) (i % 5 === 0 ? testRows : trainRows).push(i);
const train = features.take(trainRows);
const test = features.take(testRows);
const yTrain = { ...target, values: Float64Array.from(trainRows, (i) => target.values[i]) };
const yTest = Float64Array.from(testRows, (i) => target.values[i]);
const settings = {
  trees: 100,
  learningRate: 0.1,
  maxLeaves: 31,
  maxBins: 255,
  earlyStopping: earlyStopping === 'auto' ? 'auto' : false,
  threads: Number(threads),
};

let start = performance.now();
const model = (task === 'regression' ? gbdtRegressor : gbdtClassifier)(settings).fit(train, yTrain);
const fitSeconds = (performance.now() - start) / 1000;

start = performance.now();
let score;
if (task === 'regression') score = { rmse: rootMeanSquaredError(yTest, model.predict(test)) };
else score = { auc: rocAuc(yTest, model.predictProba(test)) };
const batchSeconds = (performance.now() - start) / 1000;

// Single rows, one call each, as a service would see them.
const latencies = [];
for (let i = 0; i < 300; i++) {
  const row = test.take([i]);
  start = performance.now();
  if (task === 'regression') model.predict(row);
  else model.predictProba(row);
  latencies.push(performance.now() - start);
}
latencies.sort((a, b) => a - b);
console.log(
  JSON.stringify({
    fitSeconds,
    iterations: model.ensemble.iterations,
    ...score,
    predictRowsPerSecond: testRows.length / batchSeconds,
    singleRowMs: { median: latencies[150], p99: latencies[296] },
    peakMB: process.resourceUsage().maxRSS / 1024,
  }),
);
