/**
 * A separate process for the tests of what happens to a run when its process
 * is stopped: it starts a run in the store at KEEL_HOME (argv[2]), prints the
 * run's id, then either waits to be signalled or (argv[3] = "throw") throws
 * an error nothing catches.
 */
import { openStore } from '../../src/registry/open.js';
import { startRun } from '../../src/registry/tracking.js';

const [home, mode] = process.argv.slice(2);
const store = await openStore({ home: home! });
const run = await startRun(store, { experiment: 'stopped', heartbeatMs: 50 });
process.stdout.write(`${run.id}\n`);
if (mode === 'throw') {
  setTimeout(() => {
    throw new Error('the training loop blew up');
  }, 20);
}
// Keeps the process alive (the heartbeat timer is unref'd) until the signal arrives.
setInterval(() => undefined, 1000);
