// The keel side of bench/batch-score.mjs, on the built library (dist/, or the
// folder in KEEL_DIST). Two steps in two processes, so that the peak memory
// reported is the scoring's alone:
//   node bench/peers/batch-keel.mjs train TRAIN TARGET THREADS MODEL
//     fits gradient boosting (the settings of bench/gbdt.mjs) and saves the
//     artifact to MODEL and the input schema to MODEL.schema.json;
//   node bench/peers/batch-keel.mjs score MODEL SCORE OUT [CHUNK]
//     scores SCORE into OUT with scoreFile — reading, predicting, probabilities
//     and writing, all timed — and prints rows/s and peak memory as JSON
//     (env KEEL_BATCH_MEMORY_MB sets DuckDB's buffer pool, scoreFile's memoryLimitMb).
import { readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const dist = process.env.KEEL_DIST ?? new URL('../../dist', import.meta.url).pathname;
const keel = await import(pathToFileURL(`${dist}/index.js`).href);
const { saveModel, loadModel } = await import(pathToFileURL(`${dist}/persist.js`).href);
const { scoreFile } = await import(pathToFileURL(`${dist}/serve/batch.js`).href);

const [step, ...args] = process.argv.slice(2);
if (step === 'train') {
  const [trainPath, targetName, threads, modelPath] = args;
  const frame = await keel.readTable(trainPath);
  const target = keel.targetFromFrame(frame, targetName, 'binary');
  const features = frame.drop([targetName]);
  const settings = { trees: 100, learningRate: 0.1, maxLeaves: 31, maxBins: 255, earlyStopping: false };
  const model = keel.gbdtClassifier({ ...settings, threads: Number(threads) }).fit(features, target);
  writeFileSync(modelPath, saveModel(model));
  writeFileSync(`${modelPath}.schema.json`, JSON.stringify(keel.schemaOf(features)));
} else {
  const [modelPath, scorePath, out, chunk] = args;
  const model = loadModel(readFileSync(modelPath), modelPath);
  const schema = JSON.parse(readFileSync(`${modelPath}.schema.json`, 'utf8'));
  const start = performance.now();
  const result = await scoreFile(model, scorePath, out, {
    schema,
    ...(chunk === undefined ? {} : { chunkRows: Number(chunk) }),
    ...(process.env.KEEL_BATCH_MEMORY_MB ? { memoryLimitMb: Number(process.env.KEEL_BATCH_MEMORY_MB) } : {}),
  });
  const seconds = (performance.now() - start) / 1000;
  const peakMB = process.resourceUsage().maxRSS / 1024;
  console.log(JSON.stringify({ rows: result.rows, seconds, rowsPerSecond: result.rows / seconds, peakMB }));
}
