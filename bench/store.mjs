// Benchmark: the tracking store under a training loop's load. Logs N runs
// (default 10,000), each with 20 aggregate metrics, through the Store API
// from dist/ — startRun, logMetrics, endRun, one after the other, as a
// training loop would — first from one process, then from 2 processes
// writing into the same store at once; then lists the best 100 runs by a
// metric (median of 20). On SQLite (a fresh file, the embedded default) and
// on PostgreSQL (a fresh database on KEEL_BENCH_POSTGRES, else the server
// `.ci/start-postgres.sh` starts, dropped afterwards).
// MLflow is not compared: it cannot be installed here (no PyPI access, not
// packaged in Debian), so the figures are keel's alone.
// Usage: npm run build && node bench/store.mjs [--runs 10000] [--backends sqlite,postgres]
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { openStore } from '../dist/registry/open.js';

const METRICS = 20;
const LISTINGS = 20;

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '10000' },
    backends: { type: 'string', default: 'sqlite,postgres' },
    child: { type: 'boolean' },
    url: { type: 'string' },
    artifacts: { type: 'string' },
    seed: { type: 'string', default: '0' },
  },
});

/** Logs `count` runs the way a training loop does; returns [first start, last end] in epoch ms. */
async function logRuns(url, artifacts, count, seed) {
  const store = await openStore({ url, artifacts });
  try {
    const start = Date.now();
    for (let i = 0; i < count; i++) {
      const run = await store.startRun({
        experiment: 'bench',
        params: { depth: 2 + (i % 8), rate: 0.05 * (1 + (i % 4)), seed },
        seed: i,
      });
      const metrics = [];
      for (let m = 0; m < METRICS; m++) metrics.push({ name: `m${m}`, value: score(seed, i, m) });
      await store.logMetrics(run.id, metrics);
      await store.endRun(run.id, { status: 'finished', timings: { fit: 0.01 } });
    }
    return [start, Date.now()];
  } finally {
    await store.close();
  }
}

/** A deterministic score in (0, 1), different per run and metric. */
function score(seed, run, metric) {
  const x = Math.sin((seed + 1) * 12.9898 + run * 78.233 + metric * 37.719) * 43758.5453;
  return x - Math.floor(x);
}

if (values.child) {
  const span = await logRuns(values.url, values.artifacts, Number(values.runs), Number(values.seed));
  process.stdout.write(`${JSON.stringify(span)}\n`);
  process.exit(0);
}

/** Runs `processes` children logging `runs` between them into one store; returns runs/s over the wall time they overlap. */
async function concurrent(url, artifacts, runs, processes) {
  const share = Math.ceil(runs / processes);
  const spans = await Promise.all(
    Array.from({ length: processes }, (_, p) => {
      const args = [
        new URL(import.meta.url).pathname,
        '--child',
        '--url',
        url,
        '--artifacts',
        artifacts,
        '--runs',
        String(share),
        '--seed',
        String(p + 1),
      ];
      return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
        let out = '';
        child.stdout.on('data', (d) => {
          out += d;
        });
        child.on('exit', (code) =>
          code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`child exit ${code}`)),
        );
      });
    }),
  );
  const seconds = (Math.max(...spans.map((s) => s[1])) - Math.min(...spans.map((s) => s[0]))) / 1000;
  return (share * processes) / seconds;
}

async function bestListing(url, artifacts) {
  const store = await openStore({ url, artifacts });
  try {
    const times = [];
    let listed = 0;
    for (let i = 0; i < LISTINGS + 1; i++) {
      const t = performance.now();
      const best = await store.listRuns({ orderBy: { metric: 'm7', direction: 'desc' }, limit: 100 });
      if (i > 0) times.push(performance.now() - t); // the first warms caches and prepares statements
      listed = best.length;
    }
    times.sort((a, b) => a - b);
    return { ms: times[Math.floor(times.length / 2)], listed };
  } finally {
    await store.close();
  }
}

/** A fresh store per measurement: SQLite files in a temp folder, or new PostgreSQL databases. */
function sqliteBackend() {
  const root = mkdtempSync(join(tmpdir(), 'keel-bench-store-'));
  let n = 0;
  return {
    name: 'SQLite (WAL, synchronous=NORMAL)',
    async fresh() {
      n++;
      return { url: `sqlite:${join(root, `keel-${n}.db`)}`, artifacts: join(root, `artifacts-${n}`) };
    },
    async cleanup() {
      rmSync(root, { recursive: true, force: true });
    },
  };
}

function postgresBackend() {
  const server = process.env.KEEL_BENCH_POSTGRES ?? 'postgres://postgres@127.0.0.1:54329/postgres';
  const root = mkdtempSync(join(tmpdir(), 'keel-bench-pg-'));
  const created = [];
  const admin = async (sql) => {
    const client = new pg.Client({ connectionString: server });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  return {
    name: 'PostgreSQL 15 (loopback)',
    async fresh() {
      const name = `keel_bench_${Date.now().toString(36)}_${created.length}`;
      await admin(`CREATE DATABASE ${name}`);
      created.push(name);
      const url = new URL(server);
      url.pathname = `/${name}`;
      return { url: url.toString(), artifacts: join(root, name) };
    },
    async cleanup() {
      for (const name of created) await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      rmSync(root, { recursive: true, force: true });
    },
  };
}

const runs = Number(values.runs);
const backends = { sqlite: sqliteBackend, postgres: postgresBackend };
const rows = [];
for (const key of values.backends.split(',')) {
  const backend = backends[key]();
  try {
    const one = await backend.fresh();
    const [start, end] = await logRuns(one.url, one.artifacts, runs, 0);
    const sequential = runs / ((end - start) / 1000);
    const listing = await bestListing(one.url, one.artifacts);
    const two = await backend.fresh();
    const parallel = await concurrent(two.url, two.artifacts, runs, 2);
    rows.push([backend.name, sequential, parallel, listing]);
    process.stderr.write(`${backend.name}: done\n`);
  } finally {
    await backend.cleanup();
  }
}

const fmt = (v) => Math.round(v).toLocaleString('en');
console.log(
  `\n${fmt(runs)} runs × ${METRICS} metrics, Node ${process.versions.node}; best 100 by a metric, median of ${LISTINGS}\n`,
);
console.log('| store | runs/s, 1 process | runs/s, 2 processes | best 100 (ms) |');
console.log('| --- | --- | --- | --- |');
for (const [name, sequential, parallel, listing] of rows) {
  console.log(
    `| ${name} | ${fmt(sequential)} | ${fmt(parallel)} | ${listing.ms.toFixed(1)} (${listing.listed} listed) |`,
  );
}
console.log('\nMLflow: not installed here (no PyPI access; not packaged in Debian), so no comparison.');
