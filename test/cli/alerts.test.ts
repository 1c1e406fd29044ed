import { describe, expect, it } from 'vitest';
import { type OpenStoreOptions, openStore } from '../../src/registry/open.js';
import type { AlertInput } from '../../src/registry/types.js';
import { keelIn, SKIP_POSTGRES, tempDir } from '../helpers.js';
import { freshPostgresDatabase } from '../postgres.js';

const DAY = 86_400_000;

/** Runs `keel …` from the sources against one store: KEEL_HOME for SQLite, KEEL_STORE for PostgreSQL. */
function cli(env: Record<string, string>) {
  return keelIn({ ...process.env, KEEL_STORE: '', ...env });
}

function json(result: { code: number | null; stdout: string; stderr: string }) {
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout);
}

/** A registered model "wine", three alerts (one 10 days old), and 5 logged predictions, 3 of them 40 days old. */
async function fill(options: OpenStoreOptions): Promise<void> {
  const store = await openStore(options);
  const now = Date.now();
  try {
    await store.registerVersion({
      model: 'wine',
      artifact: new Uint8Array([1, 2, 3]),
      kind: 'k',
      task: 't',
      schema: { rows: 1, columns: [] },
    });
    const alert = (over: Partial<AlertInput>): AlertInput => ({
      model: 'wine',
      version: 1,
      kind: 'drift',
      severity: 'warning',
      message: 'alcohol drifted',
      ...over,
    });
    await store.recordAlert(alert({ at: now - 10 * DAY, message: 'old drift' }));
    await store.recordAlert(
      alert({ at: now - DAY, kind: 'decay', severity: 'critical', message: 'f1 fell' }),
    );
    await store.recordAlert(alert({ at: now - 2 * DAY, model: 'iris', message: 'petal width drifted' }));
    await store.logPredictions(
      [40, 40, 40, 1, 0].map((days, i) => ({
        requestId: `r${i}`,
        model: 'wine',
        version: 1,
        at: now - days * DAY,
        latencyMs: 1,
        rows: 1,
        inputs: null,
        outputs: { predictions: [1] },
      })),
    );
    await store.recordFeedback([{ requestId: 'r0', labels: [1] }]);
  } finally {
    await store.close();
  }
}

/** `refusals`: the argument checks, which do not depend on the backend (they run before the store opens, or read it as any command does). */
function suite(title: string, target: () => Promise<Record<string, string>>, refusals: boolean): void {
  describe(title, () => {
    const ready = target();

    it('keel alerts lists newest first, filtered by model, kind and --since, as a table or JSON', async () => {
      const keel = cli(await ready);
      const all = json(keel('alerts', '--json'));
      expect(all.map((a: { message: string }) => a.message)).toEqual([
        'f1 fell',
        'petal width drifted',
        'old drift',
      ]);
      expect(all[0]).toMatchObject({
        model: 'wine',
        version: 1,
        kind: 'decay',
        severity: 'critical',
        details: {},
      });

      const recent = json(keel('alerts', 'wine', '--since', '7d', '--json'));
      expect(recent.map((a: { message: string }) => a.message)).toEqual(['f1 fell']);
      expect(json(keel('alerts', '--kind', 'drift', '--limit', '1', '--json'))).toHaveLength(1);

      const text = keel('alerts', 'wine');
      expect(text.code).toBe(0);
      expect(text.stdout).toMatch(/time\s+model\s+kind\s+severity\s+message/);
      expect(text.stdout).toMatch(/wine@1\s+decay\s+CRITICAL\s+f1 fell/);
      expect(text.stdout).toMatch(/2 alerts \(1 critical\) for model "wine", newest first\./);
      expect(keel('alerts', '--limit', '2').stdout).toMatch(/the newest 2; --limit shows more/);
      expect(keel('alerts', 'wine', '--kind', 'retrain').stdout).toBe(
        'No alerts for model "wine" of kind retrain.\n',
      );
    });

    // Defined for one backend only (not skipped on the other): a skipped test reads as a gap.
    if (refusals) {
      it('keel alerts refuses an unknown model, kind, time or limit in a line or two', async () => {
        const keel = cli(await ready);
        const cases: [string[], RegExp][] = [
          [['alerts', 'nosuch'], /there is no model "nosuch"/],
          [
            ['alerts', '--kind', 'fire'],
            /field "kind": --kind must be drift, decay, quality or retrain, not "fire"/,
          ],
          [['alerts', '--since', 'soon'], /--since must be a time ago such as 30d/],
          [['alerts', '--limit', '0'], /--limit must be a whole number ≥ 1/],
          [['alerts', 'a', 'b'], /expected at most one argument \(NAME\), got 2/],
        ];
        for (const [args, message] of cases) {
          const result = keel(...args);
          expect([result.code, result.stdout]).toEqual([2, '']);
          expect(result.stderr).toMatch(message);
          expect(result.stderr.trim().split('\n').length).toBeLessThanOrEqual(2);
        }
      });
    }

    it('keel store prune counts without --yes, then deletes the old predictions and their feedback', async () => {
      const keel = cli(await ready);
      const dry = keel('store', 'prune', '--predictions-before', '30d');
      expect(dry.code).toBe(0);
      expect(dry.stdout).toMatch(/Would delete 3 logged predictions \(1 with feedback\) logged before /);
      expect(dry.stdout).toMatch(/Run again with --yes/);
      expect(json(keel('store', 'prune', '--predictions-before', '30d', '--json'))).toMatchObject({
        dryRun: true,
        predictions: 3,
      });

      const pruned = json(keel('store', 'prune', '--predictions-before', '30d', '--yes', '--json'));
      expect(pruned).toMatchObject({ dryRun: false, predictions: 3, feedback: 1, batches: 1 });
      const again = keel('store', 'prune', '--predictions-before', '30d', '--yes');
      expect(again.stdout).toMatch(/^Nothing to prune: no prediction in .* was logged before /);
      const date = new Date(Date.now() - 0.5 * DAY).toISOString().slice(0, 10);
      const byDate = json(keel('store', 'prune', '--predictions-before', date, '--json'));
      expect(byDate.before).toBe(Date.parse(date));
    });

    if (refusals) {
      it('keel store prune refuses a missing or bad time, and its flags elsewhere', async () => {
        const keel = cli(await ready);
        const cases: [string[], RegExp][] = [
          [
            ['store', 'prune'],
            /--predictions-before T is required\n {2}hint: keel store prune --predictions-before 30d/,
          ],
          [['store', 'prune', '--predictions-before', '30'], /--predictions-before must be a time ago/],
          [['store', 'prune', '--predictions-before', '2025-02-30'], /not "2025-02-30"/],
          [['store', 'migrate', '--yes'], /--yes applies to keel store prune only/],
          [['store', 'prune', 'extra', '--predictions-before', '1d'], /expected no argument/],
        ];
        for (const [args, message] of cases) {
          const result = keel(...args);
          expect(result.code).toBe(2);
          expect(result.stderr).toMatch(message);
        }
      });
    }
  });
}

suite(
  'keel alerts and keel store prune (SQLite under KEEL_HOME)',
  async () => {
    const home = tempDir('keel-cli-alerts-');
    await fill({ home });
    return { KEEL_HOME: home };
  },
  true,
);

if (!SKIP_POSTGRES) {
  suite(
    'keel alerts and keel store prune (PostgreSQL in KEEL_STORE)',
    async () => {
      const url = await freshPostgresDatabase();
      await fill({ url, artifacts: tempDir('keel-cli-alerts-pg-') });
      return { KEEL_STORE: url, KEEL_HOME: tempDir('keel-cli-alerts-home-') };
    },
    false,
  );
}
