// A closed-loop HTTP/1.1 load generator for bench/serve.mjs: `connections`
// sockets, each sending the next request as soon as the previous answer is
// complete, for `seconds`. It exists because gunicorn's sync workers close
// the connection after every answer (they do not keep connections alive), and
// autocannon 8 does not handle that: it writes the next request into the
// closed socket, reconnects, and then matches each answer to a request queued
// earlier, so latencies grow with the run (p50 ≈ 0.9 s from ONE connection
// that completed 120 answers/s) and every close counts as an error. Here an
// answer with `Connection: close`, or a socket the server ends, is followed by
// a new connection, whose set-up counts in the next request's latency — as it
// would for any client of that server.
import { connect } from 'node:net';

/**
 * POSTs the JSON `bodies` (taken in turn across all connections) to `url`.
 * Answers: completed requests per status class, socket errors, timeouts, and
 * the latency of every 2xx answer in ms (sorted).
 */
export function closedLoop({ url, bodies, connections, seconds, timeoutMs = 10_000 }) {
  const { hostname, port, pathname } = new URL(url);
  const requests = bodies.map((body) => requestBuffer(hostname, port, pathname, body));
  const tally = { ok: 0, non2xx: 0, errors: 0, timeouts: 0, latencies: [] };
  let next = 0;
  const take = () => requests[next++ % requests.length];
  const clients = Array.from({ length: connections }, () =>
    client(hostname, Number(port), take, tally, timeoutMs),
  );
  return new Promise((resolve) => {
    setTimeout(() => {
      for (const c of clients) c.stop();
      tally.latencies.sort((a, b) => a - b);
      resolve({ ...tally, seconds });
    }, seconds * 1000);
  });
}

function requestBuffer(host, port, path, body) {
  const payload = Buffer.from(body);
  const head =
    `POST ${path} HTTP/1.1\r\nHost: ${host}:${port}\r\nContent-Type: application/json\r\n` +
    `Content-Length: ${payload.length}\r\n\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), payload]);
}

/** One connection's loop: send, read a whole answer, record it, send again (on a new socket if asked to). */
function client(host, port, take, tally, timeoutMs) {
  let socket;
  let pending = null; // the bytes of the current answer read so far
  let inFlight = false; // a request is written and its answer not complete
  let started = 0;
  let stopped = false;

  const open = () => {
    if (stopped) return;
    pending = null;
    inFlight = false;
    started = performance.now();
    socket = connect(port, host);
    socket.setNoDelay(true);
    socket.setTimeout(timeoutMs);
    socket.on('connect', send);
    socket.on('data', onData);
    socket.on('timeout', () => fail('timeouts'));
    socket.on('error', () => fail('errors'));
    // Ended with a request unanswered: an error; between requests: just reconnect.
    socket.on('end', () => (inFlight ? fail('errors') : reopen()));
  };
  const send = () => {
    inFlight = true;
    socket.write(take());
  };
  const reopen = () => {
    socket.removeAllListeners();
    socket.on('error', () => {});
    socket.destroy();
    open();
  };
  const fail = (kind) => {
    if (stopped) return;
    tally[kind]++;
    pending = null;
    inFlight = false;
    socket.removeAllListeners();
    socket.on('error', () => {});
    socket.destroy();
    setTimeout(open, 10); // a refused connection would otherwise spin
  };
  const onData = (chunk) => {
    pending = pending === null ? chunk : Buffer.concat([pending, chunk]);
    const answer = parseAnswer(pending);
    if (answer === null) return;
    if (answer === 'bad') return fail('errors');
    if (!stopped) record(tally, answer.status, performance.now() - started);
    pending = null;
    inFlight = false;
    if (answer.close) return reopen();
    started = performance.now();
    send();
  };
  open();
  return {
    stop: () => {
      stopped = true;
      socket.removeAllListeners();
      socket.on('error', () => {});
      socket.destroy();
    },
  };
}

function record(tally, status, ms) {
  if (status >= 200 && status < 300) {
    tally.ok++;
    tally.latencies.push(ms);
  } else {
    tally.non2xx++;
  }
}

/** A complete answer's status and whether the server will close; null while bytes are missing. */
function parseAnswer(bytes) {
  const end = bytes.indexOf('\r\n\r\n');
  if (end < 0) return null;
  const head = bytes.toString('latin1', 0, end);
  const status = Number(head.slice(9, 12));
  const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
  if (!Number.isInteger(status) || length === null) return 'bad'; // both servers send Content-Length
  if (bytes.length < end + 4 + Number(length[1])) return null;
  return { status, close: /\r\nconnection:\s*close/i.test(head) };
}
