// Benchmark: profileFrameAsync (worker threads) and profileFrame (one thread)
// on a 1,000,000 × 29 table (28 float features and a binary target), as read,
// and again with 5% of the feature cells blanked;
// against pandas' describe + Pearson + Spearman + duplicated on the same files,
// in the same run. Runs the built library: `npx tsc -p tsconfig.build.json` first.
//   node bench/profile.mjs [--rows 1000000] [--runs 3] [--pandas-missing-runs 1]
// pandas' Spearman re-ranks every pair when cells are missing (about 3.5 min
// a run on 2 cores), so it runs once on the blanked table unless told otherwise.
// The blanked table is written next to the original once, so pandas reads
// exactly the cells keel profiled.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    runs: { type: 'string', default: '3' },
    'pandas-missing-runs': { type: 'string', default: '1' },
  },
});
const rows = Number(values.rows);
const runs = Number(values.runs);
const root = new URL('..', import.meta.url).pathname;
const python = '/usr/bin/python3';
const dataDir = '/tmp/keel-bench';
const file = `${dataDir}/classification-${rows}x28.csv`;
const blankedFile = `${dataDir}/classification-${rows}x28-missing5.csv`;
const MISSING_SHARE = 0.05;
const MISSING_SEED = 5;

const { readTable } = await import(`${root}dist/data/read.js`);
const { writeCsv } = await import(`${root}dist/data/write.js`);
const { Frame } = await import(`${root}dist/data/frame.js`);
const { Rng } = await import(`${root}dist/core/random.js`);
const { profileFrame } = await import(`${root}dist/profile/profile.js`);
const { profileFrameAsync } = await import(`${root}dist/profile/parallel.js`);

if (!existsSync(file)) {
  mkdirSync(dataDir, { recursive: true });
  console.error(`generating ${file} …`);
  const args = ['--kind', 'classification', '--rows', String(rows), '--features', '28', '--seed', '0'];
  execFileSync(python, [`${root}datasets/make_synthetic.py`, ...args, '--out', file], {
    stdio: 'inherit',
  });
}

/** The same table with a seeded 5% of every feature column's cells set missing (the target kept whole). */
function blanked(frame) {
  const rng = new Rng(MISSING_SEED);
  const columns = frame.columns.map((column) => {
    if (column.name === 'target' || column.storage !== 'number') return column;
    const copy = column.values.slice();
    for (let i = 0; i < copy.length; i++) if (rng.next() < MISSING_SHARE) copy[i] = Number.NaN;
    return { ...column, values: copy };
  });
  return new Frame(columns, frame.source);
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Median seconds of `runs` profiles; `call` is profileFrameAsync (threads) or profileFrame. */
async function timeProfile(label, frame, call) {
  const seconds = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await call(frame, { target: 'target' });
    seconds.push((performance.now() - start) / 1000);
    console.error(`${label} run ${i + 1}/${runs}: ${seconds[i].toFixed(2)} s`);
  }
  return median(seconds);
}

function timePandas(path, pandasRuns) {
  const result = spawnSync(python, [`${root}bench/peers/profile_pandas.py`, path, String(pandasRuns)], {
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`pandas failed on ${path}:\n${result.stderr}`);
  const out = JSON.parse(result.stdout.trim().split('\n').pop());
  console.error(`pandas on ${path}: ${out.runs.map((s) => s.toFixed(2)).join(', ')} s`);
  return out.seconds;
}

const frame = await readTable(file);
const full = await timeProfile('complete, threads', frame, profileFrameAsync);
const fullOneThread = await timeProfile('complete, one thread', frame, profileFrame);
const withMissing = blanked(frame);
if (!existsSync(blankedFile)) await writeCsv(withMissing, blankedFile);
const missing = await timeProfile('5% missing, threads', withMissing, profileFrameAsync);
const missingOneThread = await timeProfile('5% missing, one thread', withMissing, profileFrame);
const pandasFull = timePandas(file, runs);
const pandasMissing = timePandas(blankedFile, Number(values['pandas-missing-runs']));

const row = (label, keel, pandas) =>
  `| ${label} | ${keel.toFixed(2)} | ${pandas.toFixed(2)} | **${(keel / pandas).toFixed(2)}×** |`;
const table = [
  `| profile ${rows.toLocaleString('en-US')} × 29, --target target (median) | keel (s) | pandas (s) | keel ÷ pandas |`,
  '| --- | --- | --- | --- |',
  row(`complete, profileFrameAsync (${availableParallelism()} threads)`, full, pandasFull),
  row('complete, profileFrame (one thread)', fullOneThread, pandasFull),
  row('5% of feature cells missing, profileFrameAsync', missing, pandasMissing),
  row('5% of feature cells missing, profileFrame', missingOneThread, pandasMissing),
];
console.log(table.join('\n'));
