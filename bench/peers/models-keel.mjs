// The keel side of bench/models.mjs: the same case, split and scores as
// models_sklearn.py, on the built library (dist/, or the folder in KEEL_DIST).
import { pathToFileURL } from 'node:url';

const library = process.env.KEEL_DIST
  ? pathToFileURL(`${process.env.KEEL_DIST}/index.js`).href
  : new URL('../../dist/index.js', import.meta.url).href;
const {
  accuracy,
  kmeans,
  knn,
  logistic,
  randomForestClassifier,
  readTable,
  rocAuc,
  standardScaler,
  targetFromFrame,
} = await import(library);

const [caseName, path, targetName, rowLimit] = process.argv.slice(2);
const table = await readTable(path);
const frame =
  rowLimit === undefined || Number(rowLimit) >= table.rowCount
    ? table
    : table.take(Int32Array.from({ length: Number(rowLimit) }, (_, i) => i));
const target = targetFromFrame(frame, targetName);
const features = frame.drop([targetName]);
const cut = Math.floor(frame.rowCount * 0.8);
const rows = (from, to) => Int32Array.from({ length: to - from }, (_, i) => from + i);
let train = features.take(rows(0, cut));
let test = features.take(rows(cut, frame.rowCount));
const yTrain = { ...target, values: target.values.slice(0, cut) };
const yTest = target.values.slice(cut);

if (caseName === 'kmeans') {
  const scaled = standardScaler().fit(features).transform(features);
  const start = performance.now();
  const model = kmeans({ k: 8, nInit: 1, seed: 0 }).fit(scaled);
  console.log(JSON.stringify({ fitSeconds: (performance.now() - start) / 1000, inertia: model.inertia }));
  process.exit(0);
}
if (caseName === 'logistic' || caseName === 'knn') {
  const scaler = standardScaler().fit(train);
  train = scaler.transform(train);
  test = scaler.transform(test);
}
const estimator = caseName.startsWith('random-forest')
  ? randomForestClassifier({ trees: 100, threads: 2, seed: 0 })
  : caseName === 'logistic'
    ? logistic({ maxIter: 1000 })
    : knn({ k: 5 });
let start = performance.now();
const model = estimator.fit(train, yTrain);
const fitSeconds = (performance.now() - start) / 1000;
start = performance.now();
const predictions = model.predict(test);
const predictSeconds = (performance.now() - start) / 1000;
const result = { fitSeconds, predictSeconds, accuracy: accuracy(yTest, predictions) };
if (target.classes.length === 2) {
  const proba = model.predictProba(test);
  result.auc = rocAuc(
    yTest,
    Float64Array.from({ length: yTest.length }, (_, i) => proba[i * 2 + 1]),
  );
}
console.log(JSON.stringify(result));
