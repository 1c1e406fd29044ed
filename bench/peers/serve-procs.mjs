// Process handling for bench/serve.mjs: start a server in its own process
// group, wait until it answers, measure the resident memory of its whole
// process tree, and stop the group (SIGTERM, then SIGKILL if it lingers).
import { spawn } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** A port that was free a moment ago (the server binds it next). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/**
 * Starts `command` detached (its own process group, so stopping it also ends
 * gunicorn's workers), output to `logFile`, and resolves once `readyUrl`
 * answers 200. Rejects, with the log's tail, if it exits or takes over `timeoutMs`.
 */
export async function startServer({ name, command, args, env, cwd, logFile, readyUrl, timeoutMs = 60_000 }) {
  const log = openSync(logFile, 'w');
  const child = spawn(command, args, { cwd, env, detached: true, stdio: ['ignore', log, log] });
  closeSync(log);
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const server = { name, pid: child.pid, exited, logFile, readyUrl };
  let gone = null;
  exited.then((how) => {
    gone = how;
  });
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (gone !== null)
      throw new Error(`${name} exited (${JSON.stringify(gone)}) before it was ready:\n${tail(logFile)}`);
    if (await answers(readyUrl)) return server;
    await sleep(100);
  }
  await stopServer(server);
  throw new Error(`${name} was not ready after ${timeoutMs} ms:\n${tail(logFile)}`);
}

/**
 * Resolves once `url` answers (or after `timeoutMs`). After a load run it
 * tells that the server has worked through the requests still queued in its
 * sockets' backlog (a sync worker answers them even though the client is
 * gone), so the next run does not share the CPU with that leftover work.
 */
export async function drained(url, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await answers(url)) return true;
    await sleep(100);
  }
  return false;
}

async function answers(url) {
  try {
    const response = await fetch(url);
    await response.arrayBuffer();
    return response.ok;
  } catch {
    return false;
  }
}

/** Stops the server's process group gracefully, then by force after `graceMs`. */
export async function stopServer(server, graceMs = 10_000) {
  if (!signalGroup(server.pid, 'SIGTERM')) return;
  const stopped = await Promise.race([server.exited.then(() => true), sleep(graceMs).then(() => false)]);
  if (!stopped) signalGroup(server.pid, 'SIGKILL');
  await Promise.race([server.exited, sleep(2_000)]);
  // The group may outlive its leader (a worker still finishing): end what is left.
  signalGroup(server.pid, 'SIGKILL');
}

function signalGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false; // the group is already gone
  }
}

/** Resident memory (VmRSS) of `pid` and every descendant, in MB; 0 once it is gone. */
export function treeRssMB(pid) {
  let kB = 0;
  for (const member of descendants(pid)) kB += vmRssKB(member);
  return kB / 1024;
}

function descendants(root) {
  const children = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const parent = parentOf(entry);
    if (parent === undefined) continue;
    if (!children.has(parent)) children.set(parent, []);
    children.get(parent).push(Number(entry));
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i++) tree.push(...(children.get(tree[i]) ?? []));
  return tree;
}

function parentOf(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may hold spaces: fields start after the last ')'.
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined; // exited while we looked
  }
}

function vmRssKB(pid) {
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match === null ? 0 : Number(match[1]);
  } catch {
    return 0;
  }
}

function tail(file, lines = 20) {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
