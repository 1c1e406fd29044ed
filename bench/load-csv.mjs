// Benchmark: load a 1,000,000 × 29 CSV into a table, keel (readTable on DuckDB)
// against pandas.read_csv, in the same run, on the same file; then profile the
// file end to end with the CLI. Usage:
//   npm run bench:load [-- --rows 1000000 --runs 5]
// Each load runs in a fresh process, so start-up and peak memory are each
// loader's own; runs alternate so that neither gets a warmer page cache.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: { rows: { type: 'string', default: '1000000' }, runs: { type: 'string', default: '5' } },
});
const rows = Number(values.rows);
const runs = Number(values.runs);
const root = new URL('..', import.meta.url).pathname;
const python = '/usr/bin/python3';
const dataDir = '/tmp/keel-bench';
const file = `${dataDir}/classification-${rows}x28.csv`;

if (!existsSync(file)) {
  mkdirSync(dataDir, { recursive: true });
  console.error(`generating ${file} …`);
  execFileSync(
    python,
    [
      `${root}datasets/make_synthetic.py`,
      '--kind',
      'classification',
      '--rows',
      String(rows),
      '--features',
      '28',
      '--seed',
      '0',
      '--out',
      file,
    ],
    { stdio: 'inherit' },
  );
}

function runJson(command, args) {
  const result = spawnSync(command, args, { encoding: 'utf8', cwd: root });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed:\n${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').pop());
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const keel = [];
const pandas = [];
for (let i = 0; i < runs; i++) {
  keel.push(runJson('node', [`${root}bench/peers/load-keel.mjs`, file]));
  pandas.push(runJson(python, [`${root}bench/peers/load_pandas.py`, file]));
  console.error(
    `run ${i + 1}/${runs}: keel ${keel[i].seconds.toFixed(2)} s, pandas ${pandas[i].seconds.toFixed(2)} s`,
  );
}
const k = { seconds: median(keel.map((r) => r.seconds)), peakMB: median(keel.map((r) => r.peakMB)) };
const p = { seconds: median(pandas.map((r) => r.seconds)), peakMB: median(pandas.map((r) => r.peakMB)) };

const profileStart = performance.now();
const profiled = spawnSync('node', [`${root}bin/keel.js`, 'profile', file, '--target', 'target', '--json'], {
  encoding: 'utf8',
  maxBuffer: 1 << 28,
});
if (profiled.status !== 0) throw new Error(`keel profile failed:\n${profiled.stderr}`);
const profileSeconds = (performance.now() - profileStart) / 1000;

const table = [
  `| load ${rows.toLocaleString('en-US')} × 29 CSV (${runs} runs, median) | seconds | peak memory (MB) |`,
  '| --- | --- | --- |',
  `| keel readTable (DuckDB) | ${k.seconds.toFixed(2)} | ${k.peakMB.toFixed(0)} |`,
  `| pandas.read_csv | ${p.seconds.toFixed(2)} | ${p.peakMB.toFixed(0)} |`,
  `| **keel ÷ pandas** | **${(k.seconds / p.seconds).toFixed(2)}×** | **${(k.peakMB / p.peakMB).toFixed(2)}×** |`,
  '',
  `keel profile (read + profile + JSON, whole CLI process): ${profileSeconds.toFixed(1)} s`,
];
console.log(table.join('\n'));
