import { hostname } from 'node:os';
import type { Db } from './db.js';

/**
 * Runs whose process died without ending them must not look alive forever.
 * On this host the store can tell: the pid is gone, so the run `failed`;
 * the pid is there, so the run is alive, however long since its last
 * heartbeat (a synchronous fit, as in `keel train`, sends none). Elsewhere it
 * cannot tell, so a run whose heartbeat is older than `staleAfterMs` becomes
 * `stale` (and comes back to `running` if its process writes again).
 */
export async function reapAbandonedRuns(db: Db, staleAfterMs: number): Promise<string[]> {
  const rows = await db.query<{ id: string; host: string; pid: number; heartbeat_at: number }>(
    `SELECT id, host, pid, heartbeat_at FROM keel_runs WHERE status = 'running'`,
  );
  const here = hostname();
  const now = Date.now();
  const reaped: string[] = [];
  for (const run of rows) {
    const local = run.host === here;
    const gone = local && !processExists(run.pid);
    if (local ? !gone : now - run.heartbeat_at <= staleAfterMs) continue;
    // Only if nothing was written since we looked: a fresh heartbeat means the run is alive.
    const changed = await db.transaction((tx) =>
      tx.run(
        `UPDATE keel_runs SET status = ?, error = ?, ended_at = ?
         WHERE id = ? AND status = 'running' AND heartbeat_at = ?`,
        gone
          ? [
              'failed',
              `process ${run.pid} on ${here} ended without finishing the run`,
              now,
              run.id,
              run.heartbeat_at,
            ]
          : ['stale', null, null, run.id, run.heartbeat_at],
      ),
    );
    if (changed > 0) reaped.push(run.id);
  }
  return reaped;
}

/** Signal 0 checks that a process exists without touching it; EPERM means it exists but is not ours. */
function processExists(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}
