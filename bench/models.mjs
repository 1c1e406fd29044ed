// Benchmark: keel's models against scikit-learn's in the same run, on the same
// data and split (first 80% of rows to train, the rest to test), 2 threads each:
//   random forest, 100 trees, on 100,000 × 28 synthetic rows
//   logistic regression on 100,000 × 28 (standardised)
//   kNN prediction (k = 5) on letter_recognition (standardised)
//   k-means (k = 8, one start) on 100,000 × 28 (standardised)
//   random-forest-10k: the forest on the first 10,000 rows, with ml-random-forest
//     (what JavaScript users pick today) timed beside it, for the record;
//     --mljs-trees sets its tree count (default 100)
// Usage: node bench/models.mjs [--cases random-forest,logistic,knn,kmeans,random-forest-10k]
// KEEL_DIST=folder runs keel from another build of the library than dist/.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    cases: { type: 'string', default: 'logistic,knn,kmeans,random-forest' },
    'mljs-trees': { type: 'string', default: '100' },
  },
});
const root = new URL('..', import.meta.url).pathname;
const python = '/usr/bin/python3';
const synthetic = '/tmp/keel-bench/classification-100000x28.csv';
if (!existsSync(synthetic)) {
  mkdirSync('/tmp/keel-bench', { recursive: true });
  execFileSync(
    python,
    [
      `${root}datasets/make_synthetic.py`,
      '--kind',
      'classification',
      '--rows',
      '100000',
      '--features',
      '28',
      '--seed',
      '0',
      '--out',
      synthetic,
    ],
    { stdio: 'inherit' },
  );
}
const DATA = {
  'random-forest': [synthetic, 'target'],
  logistic: [synthetic, 'target'],
  knn: [`${root}datasets/letter_recognition.csv`, 'lettr'],
  kmeans: [synthetic, 'target'],
  'random-forest-10k': [synthetic, 'target', '10000'],
};

function run(command, args) {
  const result = spawnSync(command, args, { encoding: 'utf8', cwd: root, maxBuffer: 1 << 24 });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed:\n${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').pop());
}

const rows = [];
const javascriptRows = [];
for (const name of values.cases.split(',')) {
  const [file, target, ...limit] = DATA[name];
  const keel = run('node', [`${root}bench/peers/models-keel.mjs`, name, file, target, ...limit]);
  const sklearn = run(python, [`${root}bench/peers/models_sklearn.py`, name, file, target, ...limit]);
  if (name === 'random-forest-10k') {
    const trees = values['mljs-trees'];
    const mljs = run('node', [`${root}bench/peers/models-mljs.mjs`, file, target, ...limit, trees]);
    javascriptRows.push(
      `| ml-random-forest, ${trees} trees, ${limit[0]} rows | ${mljs.fitSeconds.toFixed(2)} | ${keel.fitSeconds.toFixed(2)} | **${(mljs.fitSeconds / keel.fitSeconds).toFixed(1)}×** | auc ${fmt(mljs.auc)} vs ${fmt(keel.auc)} |`,
    );
    console.error(javascriptRows.at(-1));
  }
  const seconds = name === 'knn' ? 'predictSeconds' : 'fitSeconds';
  const quality = name === 'kmeans' ? 'inertia' : keel.auc !== undefined ? 'auc' : 'accuracy';
  rows.push(
    `| ${name} | ${seconds} | ${keel[seconds].toFixed(2)} | ${sklearn[seconds].toFixed(2)} | **${(keel[seconds] / sklearn[seconds]).toFixed(2)}×** | ${quality} ${fmt(keel[quality])} vs ${fmt(sklearn[quality])} |`,
  );
  console.error(rows.at(-1));
}
console.log(
  [
    '| case | timed | keel s | scikit-learn s | keel ÷ sklearn | quality (keel vs sklearn) |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n'),
);
if (javascriptRows.length > 0) {
  console.log(
    [
      '',
      '| JavaScript peer | its fit s | keel fit s (100 trees) | peer ÷ keel | quality (peer vs keel) |',
      '| --- | --- | --- | --- | --- |',
      ...javascriptRows,
    ].join('\n'),
  );
}

function fmt(x) {
  return Math.abs(x) >= 1000 ? x.toFixed(0) : x.toFixed(4);
}
