// The ml-random-forest side of bench/models.mjs (the random forest JavaScript
// users reach for today): the first ROWS rows of a numeric CSV, the same 80/20
// split and scores as models-keel.mjs, 100 trees, the package's other defaults.
//   node bench/peers/models-mljs.mjs FILE TARGET ROWS [TREES]
import { readFileSync } from 'node:fs';
import { RandomForestClassifier } from 'ml-random-forest';

const [path, targetName, rowsArg, treesArg] = process.argv.slice(2);
const rowLimit = Number(rowsArg);
const lines = readFileSync(path, 'utf8').split('\n');
const header = lines[0].split(',');
const targetAt = header.indexOf(targetName);
const X = [];
const y = [];
for (let i = 1; i < lines.length && X.length < rowLimit; i++) {
  if (lines[i] === '') continue;
  const values = lines[i].split(',').map(Number);
  y.push(values[targetAt]);
  values.splice(targetAt, 1);
  X.push(values);
}
const cut = Math.floor(X.length * 0.8);
const forest = new RandomForestClassifier({ nEstimators: Number(treesArg ?? 100), seed: 0, noOOB: true });
let start = performance.now();
forest.train(X.slice(0, cut), y.slice(0, cut));
const fitSeconds = (performance.now() - start) / 1000;
start = performance.now();
const predictions = forest.predict(X.slice(cut));
const predictSeconds = (performance.now() - start) / 1000;
const yTest = y.slice(cut);
let correct = 0;
for (let i = 0; i < yTest.length; i++) correct += predictions[i] === yTest[i] ? 1 : 0;
// Its probability of class 1 is the share of trees voting 1, which AUC can rank.
const proba = forest.predictProbability(X.slice(cut), 1);
console.log(
  JSON.stringify({ fitSeconds, predictSeconds, accuracy: correct / yTest.length, auc: rocAuc(yTest, proba) }),
);

/** Mann–Whitney AUC with tied scores sharing their ranks. */
function rocAuc(truth, score) {
  const order = score.map((s, i) => [s, i]).sort((a, b) => a[0] - b[0]);
  const ranks = new Array(score.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && order[j + 1][0] === order[i][0]) j++;
    for (let t = i; t <= j; t++) ranks[order[t][1]] = (i + j) / 2 + 1;
    i = j + 1;
  }
  let positives = 0;
  let rankSum = 0;
  for (let i = 0; i < truth.length; i++) {
    if (truth[i] !== 1) continue;
    positives++;
    rankSum += ranks[i];
  }
  const negatives = truth.length - positives;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}
