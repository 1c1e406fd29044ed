import { UsageError } from '../core/errors.js';
import { type InputSpec, inputSpec } from '../data/input-spec.js';
import type { Model } from '../estimator/contract.js';
import { loadModel, type ModelRef, parseModelRef, resolveVersion } from '../registry/model-registry.js';
import type { ModelVersionRecord, Store } from '../registry/types.js';
import { MicroBatcher } from './batcher.js';
import { scoreFrame } from './score.js';
import './loaders.js';

/**
 * The models a server answers for, by name. Each follows a reference
 * (`wine@champion`, `wine` = the latest version, or a fixed `wine:3`); when
 * the store says the reference now means another version, that version is
 * loaded beside the old one and swapped in with one assignment. A request
 * takes its model once, when it starts, so requests in flight finish on the
 * version they began with and none is dropped.
 */
export interface ServedModel {
  readonly name: string;
  /** What the server follows: an alias, `latest`, or a fixed version number. */
  readonly ref: number | string;
  readonly version: ModelVersionRecord;
  readonly model: Model;
  readonly input: InputSpec;
  readonly batcher: MicroBatcher;
  readonly loadedAt: number;
}

export interface BatchSettings {
  readonly waitMs: number;
  readonly maxRows: number;
  /** Whether other predict requests are being received (see MicroBatcher). */
  readonly othersArriving?: () => boolean;
  /** Told the size of every predict call (metrics show whether micro-batching gathers rows). */
  readonly observe?: (model: string, version: number, rows: number) => void;
}

export interface Swap {
  readonly name: string;
  readonly ref: number | string;
  readonly from: number;
  readonly to: number;
}

/** `NAME`, `NAME@ALIAS`, `NAME@3` or `NAME:3`. */
export function parseServeRef(text: string): ModelRef {
  const colon = /^([^@:]+):(\d+)$/.exec(text.trim());
  return parseModelRef(colon === null ? text : `${colon[1]}@${colon[2]}`);
}

export class ModelSet {
  private readonly served = new Map<string, ServedModel>();
  private timer: NodeJS.Timeout | undefined;
  private refreshing: Promise<readonly Swap[]> | undefined;

  private constructor(
    private readonly store: Store,
    private readonly batch: BatchSettings,
  ) {}

  /** Loads the named models; none named = every registered model, by its `champion` alias if it has one. */
  static async open(store: Store, refs: readonly string[], batch: BatchSettings): Promise<ModelSet> {
    const set = new ModelSet(store, batch);
    const wanted = refs.length > 0 ? refs.map(parseServeRef) : await defaultRefs(store);
    for (const ref of wanted) {
      if (set.served.has(ref.name)) {
        throw new UsageError('serve.duplicate-model', `"${ref.name}" is named twice`, {
          location: { field: 'models' },
          hint: 'serve one reference per model name (the URL names the model)',
        });
      }
      set.served.set(ref.name, await set.load(ref.name, ref.ref));
    }
    return set;
  }

  get(name: string): ServedModel | undefined {
    return this.served.get(name);
  }

  list(): readonly ServedModel[] {
    return [...this.served.values()];
  }

  /** Checks every followed reference once, swapping in versions that changed. */
  refresh(): Promise<readonly Swap[]> {
    this.refreshing ??= this.checkAll().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  /** Polls the store every `everyMs`; a failed check (store down, alias removed) keeps the current version. */
  startPolling(everyMs: number, report: (swaps: readonly Swap[], error?: unknown) => void): void {
    if (everyMs <= 0) return;
    this.timer = setInterval(() => {
      this.refresh().then(
        (swaps) => swaps.length > 0 && report(swaps),
        (error) => report([], error),
      );
    }, everyMs);
    this.timer.unref();
  }

  async close(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    await this.refreshing?.catch(() => undefined);
    for (const served of this.served.values()) served.batcher.flush();
  }

  private async checkAll(): Promise<readonly Swap[]> {
    const swaps: Swap[] = [];
    for (const current of this.served.values()) {
      if (typeof current.ref === 'number') continue;
      const version = await resolveVersion(this.store, { name: current.name, ref: current.ref });
      if (version.version === current.version.version) continue;
      const next = await this.load(current.name, version.version, current.ref);
      this.served.set(current.name, next);
      // The old version's waiting requests are scored by the old model, now.
      current.batcher.flush();
      swaps.push({
        name: current.name,
        ref: current.ref,
        from: current.version.version,
        to: next.version.version,
      });
    }
    return swaps;
  }

  private async load(
    name: string,
    ref: number | string,
    follows: number | string = ref,
  ): Promise<ServedModel> {
    const { model, version } = await loadModel(this.store, `${name}@${ref}`);
    const observe = this.batch.observe;
    const score = (frame: Parameters<typeof scoreFrame>[1]) => {
      observe?.(name, version.version, frame.rowCount);
      return scoreFrame(model, frame);
    };
    return {
      name,
      ref: follows,
      version,
      model,
      input: inputSpec(version.schema, model),
      batcher: new MicroBatcher(score, this.batch.waitMs, this.batch.maxRows, this.batch.othersArriving),
      loadedAt: Date.now(),
    };
  }
}

async function defaultRefs(store: Store): Promise<ModelRef[]> {
  const models = await store.listModels();
  if (models.length === 0) {
    throw new UsageError('serve.no-models', `the store (${store.location}) has no registered models`, {
      hint: 'register one first: keel train FILE --target COL --register NAME',
    });
  }
  return models.map((m) => ({
    name: m.name,
    ref: m.aliases['champion'] !== undefined ? 'champion' : 'latest',
  }));
}
