// Benchmark: drift statistics for 50 numeric features, 1,000,000 reference
// rows against 100,000 current rows, keel against scipy/numpy
// (bench/peers/drift_scipy.py, Debian's python3-scipy) in one run, on the
// same data (written once by the peer to /tmp/keel-bench as raw float64).
//
// What each row times, summed over the features (missing values dropped inside):
//   per window, keel's path   keel: detectDrift(profile, current) — the default
//                             test for a large reference (normalised Wasserstein
//                             against the profile's 1,000-value sample), plus the
//                             quality checks and the report; scipy: wasserstein_distance
//                             against the same kind of stored sample
//   KS on the stored sample   keel: detectDrift with every feature set to 'ks';
//                             scipy: ks_2samp(sample, current)
//   KS, full arrays           ksTwoSample(reference, current) / ks_2samp: both sort
//                             the million reference values on every call
//   Wasserstein, full arrays  wassersteinDistance / wasserstein_distance, normalised
//   PSI, full arrays          reference deciles, both samples counted, PSI
// and, keel only, referenceProfile on the million rows (done once per model version).
// Usage: node bench/drift.mjs [--ref-rows 1000000] [--cur-rows 100000] [--features 50] [--runs 1]
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    'ref-rows': { type: 'string', default: '1000000' },
    'cur-rows': { type: 'string', default: '100000' },
    features: { type: 'string', default: '50' },
    runs: { type: 'string', default: '1' },
  },
});
const refRows = Number(values['ref-rows']);
const curRows = Number(values['cur-rows']);
const features = Number(values.features);
const runs = Number(values.runs);
const root = new URL('..', import.meta.url).pathname;
const python = '/usr/bin/python3';
const peer = `${root}bench/peers/drift_scipy.py`;
const folder = `/tmp/keel-bench/drift-${refRows}-${curRows}-${features}`;
const dist = process.env.KEEL_DIST ?? `${root}dist`;
const library = (path) => import(pathToFileURL(`${dist}/${path}`).href);
const { Frame } = await library('data/frame.js');
const monitor = await library('monitor/index.js');
const { sortedPresent } = await library('profile/stats.js');

if (!existsSync(`${folder}/drift-cur.f64`)) {
  console.log(`writing ${folder} (once)…`);
  execFileSync(python, [peer, 'make', folder, String(refRows), String(curRows), String(features)], {
    stdio: 'inherit',
  });
}

/** Column-major raw float64 as one Float64Array per feature (views, no copy). */
function load(file, rows) {
  const bytes = readFileSync(file);
  const aligned = bytes.byteOffset % 8 === 0 ? bytes : Buffer.from(bytes);
  const all = new Float64Array(aligned.buffer, aligned.byteOffset, rows * features);
  return Array.from({ length: features }, (_, j) => all.subarray(j * rows, (j + 1) * rows));
}

const reference = load(`${folder}/drift-ref.f64`, refRows);
const current = load(`${folder}/drift-cur.f64`, curRows);
const frameOf = (columns) =>
  new Frame(columns.map((v, j) => ({ storage: 'number', name: `f${j}`, kind: 'numeric', values: v })));
const referenceFrame = frameOf(reference);
const currentFrame = frameOf(current);

function seconds(fn) {
  const start = performance.now();
  const drifted = fn();
  return { seconds: (performance.now() - start) / 1000, drifted };
}

function perFeature(test) {
  return () => {
    let drifted = 0;
    for (let j = 0; j < features; j++) drifted += test(reference[j], current[j]) ? 1 : 0;
    return drifted;
  };
}

function keelRun() {
  const profile = seconds(() => monitor.referenceProfile(referenceFrame));
  const report = monitor.detectDrift(profile.drifted, currentFrame);
  const allKs = Object.fromEntries(reference.map((_, j) => [`f${j}`, { test: 'ks' }]));
  return {
    profile: { seconds: profile.seconds, drifted: 0 },
    json: JSON.stringify(profile.drifted).length,
    wasserstein_sample: seconds(
      () => monitor.detectDrift(profile.drifted, currentFrame).dataset.driftedFeatures.length,
    ),
    ks_sample: seconds(
      () =>
        monitor.detectDrift(profile.drifted, currentFrame, { tests: allKs }).dataset.driftedFeatures.length,
    ),
    ks_full: seconds(perFeature((a, b) => monitor.ksTwoSample(a, b).pValue < 0.05)),
    wasserstein_full: seconds(
      perFeature((a, b) => {
        // One sort of the reference serves its std and the distance.
        const sortedA = sortedPresent(a);
        const distance = monitor.wassersteinSorted(sortedA, sortedPresent(b));
        return monitor.normalizedWasserstein(distance, monitor.populationStd(sortedA)) >= 0.1;
      }),
    ),
    psi_full: seconds(
      perFeature((a, b) => {
        const sortedA = sortedPresent(a);
        const edges = monitor.quantileBinEdges(sortedA, 10);
        return (
          monitor.psi(monitor.binCounts(sortedA, edges), monitor.binCounts(sortedPresent(b), edges)) >= 0.1
        );
      }),
    ),
    windowDrift: report.dataset.driftedFeatures.length,
  };
}

function scipyRun() {
  const args = [peer, 'run', folder, String(refRows), String(curRows), String(features), '1000'];
  const out = execFileSync(python, args, { encoding: 'utf8', maxBuffer: 1 << 24 });
  return JSON.parse(out.trim().split('\n').pop());
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const keelRuns = [];
const scipyRuns = [];
for (let r = 0; r < runs; r++) {
  scipyRuns.push(scipyRun());
  keelRuns.push(keelRun());
}
const rows = [
  ['per window, default (Wasserstein on the sample)', 'wasserstein_sample'],
  ['KS on the stored sample', 'ks_sample'],
  ['KS, full arrays', 'ks_full'],
  ['Wasserstein, full arrays', 'wasserstein_full'],
  ['PSI, full arrays', 'psi_full'],
];
const last = scipyRuns[scipyRuns.length - 1];
console.log(
  `${features} features, ${refRows.toLocaleString()} reference × ${curRows.toLocaleString()} current rows; ` +
    `median of ${runs} run(s); scipy ${last.scipy}, numpy ${last.numpy}, Node ${process.version}`,
);
console.log('| test | keel s | scipy s | keel ÷ scipy | drifted (keel / scipy) |');
console.log('| --- | --- | --- | --- | --- |');
for (const [label, key] of rows) {
  const k = median(keelRuns.map((run) => run[key].seconds));
  const s = median(scipyRuns.map((run) => run[key].seconds));
  const drifted = `${keelRuns[0][key].drifted} / ${last[key].drifted}`;
  console.log(`| ${label} | ${k.toFixed(3)} | ${s.toFixed(3)} | ${(k / s).toFixed(2)}× | ${drifted} |`);
}
const profileSeconds = median(keelRuns.map((run) => run.profile.seconds));
console.log(
  `keel referenceProfile of the ${refRows.toLocaleString()} rows (once per model version): ${profileSeconds.toFixed(2)} s; ` +
    `its JSON: ${(keelRuns[0].json / 1024).toFixed(0)} kB`,
);
console.log('Timings are noisy on a shared 2-core machine: run with --runs 3 for medians.');
