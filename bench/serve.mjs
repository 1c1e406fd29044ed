// Benchmark: serving one model over HTTP. In one run, on the same data:
// `keel serve` (a gradient-boosting regressor trained and registered with
// `keel train … --register`; default options: prediction log on,
// micro-batching on) against scikit-learn's HistGradientBoostingRegressor in a
// Flask app under gunicorn (2 sync workers, defaults otherwise), both trained
// on all of diamonds with the settings of bench/gbdt.mjs. The Flask app runs
// twice: as it comes, and with OMP_NUM_THREADS=1 (each worker's predict on one
// OpenMP thread; as it comes, two workers' thread pools oversubscribe 2 cores).
// Single-row requests (rows of diamonds, price left out, varied per request)
// from 64 connections for 30 s after a 3 s warm-up, to each server in turn;
// each server's resident memory (its whole process tree) is sampled every
// second. Prints requests/s, p50/p99 latency, errors, memory, and keel ÷ each
// Flask set-up. The load runs on the same machine and takes CPU from whichever
// server it loads. The load is a closed loop of our own (peers/serve-load.mjs)
// because autocannon mis-times servers that close every connection, as
// gunicorn's sync workers do; --client autocannon uses it anyway (right for keel).
// Usage: node bench/serve.mjs [--duration 30] [--connections 64] [--warmup 3] [--rounds 1]
//          [--pool 1000] [--servers keel,flask,flask-omp1 (also: keel-nolog)] [--client closed-loop|autocannon]
// (expects dist/ built: npm run build)
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { closedLoop } from './peers/serve-load.mjs';
import { drained, freePort, startServer, stopServer, treeRssMB } from './peers/serve-procs.mjs';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '30' },
    connections: { type: 'string', default: '64' },
    warmup: { type: 'string', default: '3' },
    rounds: { type: 'string', default: '1' },
    pool: { type: 'string', default: '1000' },
    client: { type: 'string', default: 'closed-loop' },
    servers: { type: 'string', default: 'keel,flask,flask-omp1' },
  },
});
const root = new URL('..', import.meta.url).pathname;
const python = '/usr/bin/python3';
const gunicorn = '/usr/bin/gunicorn';
const data = `${root}datasets/diamonds.csv`;
const target = 'price';
const work = '/tmp/keel-bench/serve';
const keelHome = `${work}/store`;
const flaskModel = `${work}/flask-model.pickle`;

/** Diamonds as row objects (numbers where the column is numeric), the target left out. */
function readRows(file) {
  const [header, ...lines] = readFileSync(file, 'utf8').trimEnd().split('\n');
  const names = header.split(',');
  const cells = lines.map((line) => line.split(','));
  const numeric = names.map((_, j) => cells.every((row) => row[j] !== '' && Number.isFinite(Number(row[j]))));
  return cells.map((row) => {
    const object = {};
    names.forEach((name, j) => {
      if (name !== target) object[name] = numeric[j] ? Number(row[j]) : row[j];
    });
    return object;
  });
}

/** Every k-th row: the file runs in price order in long stretches, and the pool should span it. */
function spread(rows, count) {
  const step = Math.max(1, Math.floor(rows.length / count));
  return Array.from({ length: Math.min(count, rows.length) }, (_, i) => rows[i * step]);
}

function trainKeel() {
  rmSync(keelHome, { recursive: true, force: true });
  mkdirSync(keelHome, { recursive: true });
  const settings = ['trees=100', 'learningRate=0.1', 'maxLeaves=31', 'maxBins=255', 'earlyStopping=false'];
  const args = [`${root}bin/keel.js`, 'train', data, '--target', target, '--model', 'gbdt'];
  for (const s of settings) args.push('--set', s);
  args.push('--register', 'diamonds', '--json');
  const out = execFileSync('node', args, {
    cwd: root,
    env: keelEnv(),
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return JSON.parse(out);
}

/** Trains and pickles the Flask side's model; answers the versions of scikit-learn, Flask, gunicorn. */
function trainFlask() {
  const args = [`${root}bench/peers/serve_flask.py`, 'train', data, target, flaskModel];
  const out = execFileSync(python, args, {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return JSON.parse(out.trim().split('\n').pop());
}

/** The throwaway store: KEEL_HOME set, and any KEEL_STORE of the caller's ignored. */
function keelEnv() {
  const env = { ...process.env, KEEL_HOME: keelHome };
  delete env.KEEL_STORE;
  return env;
}

/** `keel serve diamonds`, with its default options unless `extra` adds some. */
async function startKeel(name, extra = []) {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const server = await startServer({
    name,
    command: 'node',
    args: [`${root}bin/keel.js`, 'serve', 'diamonds', '--port', String(port), ...extra],
    env: keelEnv(),
    cwd: root,
    logFile: `${work}/keel-serve${extra.length > 0 ? '-nolog' : ''}.log`,
    readyUrl: `${base}/ready`,
  });
  return { ...server, predictUrl: `${base}/v1/models/diamonds/predict` };
}

/**
 * gunicorn with 2 sync workers. `ompThreads` undefined leaves OpenMP as it comes
 * (one thread per core in each worker); 1 gives each worker one thread, the
 * usual fix for workers oversubscribing the cores (scikit-learn's
 * parallelism docs), and a stronger peer.
 */
async function startFlask(name, ompThreads) {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const env = { ...process.env, KEEL_BENCH_FLASK_MODEL: flaskModel };
  delete env.OMP_NUM_THREADS;
  if (ompThreads !== undefined) env.OMP_NUM_THREADS = String(ompThreads);
  const server = await startServer({
    name,
    command: gunicorn,
    args: [
      '--workers',
      '2',
      '--bind',
      `127.0.0.1:${port}`,
      '--chdir',
      `${root}bench/peers`,
      'serve_flask:app',
    ],
    env,
    cwd: root,
    logFile: `${work}/flask-serve-${ompThreads ?? 'default'}.log`,
    readyUrl: `${base}/health`,
  });
  return { ...server, predictUrl: `${base}/predict` };
}

const SERVERS = {
  keel: () => startKeel('keel'),
  // Not run by default: shows what the prediction log (SQLite, on the event loop) costs.
  'keel-nolog': () => startKeel('keel, --log-sample-rate 0', ['--log-sample-rate', '0']),
  flask: () => startFlask('Flask + gunicorn'),
  'flask-omp1': () => startFlask('Flask + gunicorn, OMP_NUM_THREADS=1', 1),
};

async function predict(url, rows) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(rows),
  });
  const body = await response.json();
  if (!response.ok) throw new Error(`${url} answered ${response.status}: ${JSON.stringify(body)}`);
  return body.predictions;
}

/** Every server scores the same rows; they are different implementations, so only print how far apart. */
async function compare(servers, rows) {
  const [first, ...others] = servers;
  const base = await predict(first.predictUrl, rows);
  console.error(
    `${first.name} answers 200 for ${rows.length} rows: ${base.map((v) => v.toFixed(1)).join(', ')}`,
  );
  let gap = 0;
  for (const other of others) {
    const theirs = await predict(other.predictUrl, rows);
    console.error(`${other.name} answers: ${theirs.map((v) => v.toFixed(1)).join(', ')}`);
    theirs.forEach((v, i) => {
      gap = Math.max(gap, Math.abs(base[i] - v) / Math.max(Math.abs(v), 1e-9));
    });
  }
  return gap;
}

/**
 * autocannon against `url`, in the shape closedLoop answers. Right for
 * servers that keep connections alive (keel); not for gunicorn's sync workers,
 * which close each one (see peers/serve-load.mjs): kept to cross-check the
 * closed loop on keel. Latencies come from autocannon's per-response times
 * (sub-millisecond, 2xx only, as autocannon keeps them).
 */
async function autocannonLoad({ url, bodies, connections, seconds }) {
  let next = 0;
  const latencies = [];
  const instance = autocannon({
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    connections,
    duration: seconds,
    requests: [
      {
        setupRequest: (request) => {
          request.body = bodies[next++ % bodies.length];
          return request;
        },
      },
    ],
  });
  instance.on('response', (_client, status, _bytes, ms) => {
    if (status >= 200 && status < 300) latencies.push(ms);
  });
  const result = await instance;
  latencies.sort((x, y) => x - y);
  // autocannon's errors already include its timeouts.
  return {
    ok: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: 0,
    latencies,
    seconds: result.duration,
  };
}

/** One run of the chosen load generator: 2xx answers per second, latency percentiles, failures. */
async function load(url, bodies, seconds) {
  const run = values.client === 'autocannon' ? autocannonLoad : closedLoop;
  const r = await run({ url, bodies, connections: Number(values.connections), seconds });
  const at = (q) =>
    r.latencies[Math.min(r.latencies.length - 1, Math.floor(q * r.latencies.length))] ?? Number.NaN;
  return {
    requestsPerSecond: r.ok / r.seconds,
    p50: at(0.5),
    p99: at(0.99),
    errors: r.errors + r.timeouts,
    non2xx: r.non2xx,
  };
}

/**
 * A warm-up, then the measured run with the server's memory sampled every
 * second; each followed by waiting until the server is through its backlog.
 */
async function measure(server, bodies) {
  console.error(`${server.name}: warm-up ${values.warmup} s…`);
  await load(server.predictUrl, bodies, Number(values.warmup));
  await drained(server.readyUrl);
  const rss = [treeRssMB(server.pid)];
  const sampler = setInterval(() => rss.push(treeRssMB(server.pid)), 1000);
  console.error(`${server.name}: ${values.duration} s, ${values.connections} connections…`);
  const result = await load(server.predictUrl, bodies, Number(values.duration)).finally(() =>
    clearInterval(sampler),
  );
  rss.push(treeRssMB(server.pid));
  console.error(`${server.name}: RSS MB each second: ${rss.map((v) => v.toFixed(0)).join(' ')}`);
  if (!(await drained(server.readyUrl))) console.error(`${server.name} still busy 120 s after the run`);
  return { ...result, rss: { start: rss[0], peak: Math.max(...rss), end: rss[rss.length - 1] } };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

function table(results) {
  const ms = (v) => v.toFixed(2);
  const mb = (v) => v.toFixed(0);
  const lines = [
    '| server | requests/s | p50 ms | p99 ms | errors / non-2xx | RSS MB start → peak → end |',
    '| --- | --- | --- | --- | --- | --- |',
  ];
  for (const { server, round, r } of results) {
    const name = Number(values.rounds) > 1 ? `${server} (round ${round})` : server;
    const rate = Math.round(r.requestsPerSecond).toLocaleString('en');
    const rss = `${mb(r.rss.start)} → ${mb(r.rss.peak)} → ${mb(r.rss.end)}`;
    lines.push(`| ${name} | ${rate} | ${ms(r.p50)} | ${ms(r.p99)} | ${r.errors} / ${r.non2xx} | ${rss} |`);
  }
  // Ratios of the medians over rounds: keel against each Flask set-up.
  const pick = (server, key) => median(results.filter((x) => x.server === server).map((x) => x.r[key]));
  const names = [...new Set(results.map((x) => x.server))];
  for (const peer of names.filter((n) => n !== 'keel' && names.includes('keel'))) {
    const throughput = pick('keel', 'requestsPerSecond') / pick(peer, 'requestsPerSecond');
    const p99 = pick('keel', 'p99') / pick(peer, 'p99');
    lines.push(`| **keel ÷ ${peer}** | **${ratio(throughput)}** | | **${ratio(p99)}** | | |`);
  }
  return lines.join('\n');
}

const ratio = (v) => (v >= 10 ? `${v.toFixed(0)}×` : v >= 0.1 ? `${v.toFixed(2)}×` : `${v.toFixed(3)}×`);

async function main() {
  if (!existsSync(`${root}dist/cli/main.js`)) throw new Error('dist/ is not built: run npm run build first');
  const chosen = values.servers.split(',');
  for (const name of chosen)
    if (!(name in SERVERS)) throw new Error(`unknown server ${name}: ${Object.keys(SERVERS).join(', ')}`);
  mkdirSync(work, { recursive: true });
  const loadBefore = loadavg()[0];
  const rows = readRows(data);
  const bodies = spread(rows, Number(values.pool)).map((row) => JSON.stringify([row]));
  console.error('training keel (keel train … --register diamonds)…');
  const trained = trainKeel();
  console.error(`keel: registered ${trained.registered.model} version ${trained.registered.version}`);
  console.error('training scikit-learn for Flask…');
  const versions = trainFlask();
  const servers = [];
  const stopAll = () => Promise.all(servers.map((s) => stopServer(s)));
  // The servers have their own process groups, so a Ctrl-C reaches only us: pass it on.
  for (const signal of ['SIGINT', 'SIGTERM'])
    process.once(signal, () => stopAll().then(() => process.exit(130)));
  try {
    for (const name of chosen) servers.push(await SERVERS[name]());
    const gap = await compare(servers, rows.slice(0, 5));
    const results = [];
    for (let round = 1; round <= Number(values.rounds); round++) {
      for (const server of servers) {
        results.push({ server: server.name, round, r: await measure(server, bodies) });
      }
    }
    print(results, versions, gap, loadBefore);
  } finally {
    await stopAll();
  }
}

function print(results, versions, gap, loadBefore) {
  const load = `load average ${loadBefore.toFixed(2)} at the start, ${loadavg()[0].toFixed(2)} at the end`;
  console.log(
    `Node ${process.version}, ${cpus().length} cores (${load}), scikit-learn ${versions.sklearn}, Flask ${versions.flask}, gunicorn ${versions.gunicorn} (2 sync workers)`,
  );
  console.log(
    `${values.connections} connections, ${values.duration} s per run after a ${values.warmup} s warm-up, single-row requests from a pool of ${values.pool} diamonds rows, load from ${values.client === 'autocannon' ? 'autocannon' : 'a closed loop (bench/peers/serve-load.mjs)'} on the same machine, which takes CPU from the server it loads; a request unanswered for 10 s is an error.`,
  );
  console.log(
    `Largest relative difference between the servers' predictions for 5 rows: ${(gap * 100).toFixed(1)} %`,
  );
  console.log('');
  console.log(table(results));
}

await main();
