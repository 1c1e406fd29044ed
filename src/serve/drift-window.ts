/**
 * Live drift: each served model version keeps the most recent rows it
 * answered — a ring of `capacity` rows per compared column, so memory stays
 * flat however long the server runs — and compares them with the reference
 * profile stored with the version (`detectDrift`) when /metrics is scraped.
 *
 * Measured on scrape, not on a timer: the figures are as fresh as the
 * scrape, nothing runs while nobody looks, and there is no second clock to
 * tune against the scraper's. A window that took no rows since the last
 * scrape answers with its last report, so several scrapers cost one
 * measurement. The request path only copies values into the rings (after the
 * answer is sent); every sort and test happens here, at scrape time.
 *
 * A window belongs to one loaded version (keyed by its `ServedModel`): when
 * an alias moves, the new version starts an empty window, since its
 * reference differs, and the old one is dropped with the old model.
 */

import { UsageError } from '../core/errors.js';
import { Frame } from '../data/frame.js';
import type { InputSpec } from '../data/input-spec.js';
import { type DriftReport, detectDrift } from '../drift/drift.js';
import { REFERENCE_VERSION, type ReferenceProfile, storedReference } from '../drift/reference.js';
import type { ServedModel } from './model-set.js';
import { isClassifier, type Scores } from './score.js';

/**
 * The labels a client sent for categories the model never saw, by column:
 * the model reads them as missing, but drift monitoring must see them as the
 * new categories they are. Only columns with such a label are present; each
 * array has one entry per request row, null where the frame's value stands.
 */
export type SentCategories = ReadonlyMap<string, readonly (string | null)[]>;

export const NO_SENT_CATEGORIES: SentCategories = new Map();

interface NumberRing {
  readonly storage: 'number';
  readonly name: string;
  readonly kind: 'numeric' | 'integer' | 'boolean' | 'datetime' | 'id';
  readonly values: Float64Array;
}

interface CategoryRing {
  readonly storage: 'categorical';
  readonly name: string;
  readonly codes: Int32Array;
  /** The model's levels (codes as the request frame has them), then new labels clients sent. */
  labels: string[];
  index: Map<string, number>;
  readonly modelLevels: number;
}

type Ring = NumberRing | CategoryRing;

/** The most recent rows one model version answered, in the shape `detectDrift` reads. */
export class DriftWindow {
  private next = 0;
  private size = 0;
  /** Rows ever added: a cached report stays valid while it does not change. */
  private added = 0;
  private cached: { readonly added: number; readonly report: DriftReport } | undefined;
  private readonly rings: Ring[];
  private readonly predictions: Float64Array | undefined;
  private probabilities: Float64Array | undefined;
  private readonly classCount: number;

  constructor(
    readonly reference: ReferenceProfile,
    input: InputSpec,
    readonly capacity: number,
    /** The classifier's classes; undefined for other models. */
    classes: readonly string[] | undefined,
  ) {
    this.rings = reference.features.flatMap((feature) => {
      const column = input.byName.get(feature.name);
      if (column === undefined || column.storage === 'string') return [];
      return [ringFor(column.name, column.storage, column.kind, column.levels, capacity)];
    });
    const outputs = new Set(reference.outputs.map((o) => o.name));
    this.predictions = outputs.has('prediction') ? new Float64Array(capacity) : undefined;
    this.classCount = classes?.length ?? 0;
    const sameClasses =
      classes !== undefined &&
      reference.classes !== undefined &&
      classes.length === reference.classes.length &&
      this.classCount >= 2;
    const hasProbabilities = reference.outputs.some((o) => o.name.startsWith('probability:'));
    this.probabilities =
      sameClasses && hasProbabilities ? new Float64Array(capacity * this.classCount) : undefined;
  }

  /** Rows held (at most `capacity`). */
  get rows(): number {
    return this.size;
  }

  /**
   * Copies a request's rows and its model outputs (rows `offset` … of
   * `scores`, which a micro-batch shares) into the rings. When a request has
   * more rows than the window, only its last `capacity` rows are kept.
   */
  add(frame: Frame, scores: Scores, offset: number, sent: SentCategories = NO_SENT_CATEGORIES): void {
    const n = frame.rowCount;
    const skip = Math.max(0, n - this.capacity);
    const start = this.next;
    for (const ring of this.rings) {
      // Validated frames hold every input column; anything else counts as missing, so rows stay aligned.
      const column = frame.has(ring.name) ? frame.column(ring.name) : undefined;
      if (ring.storage === 'number') {
        if (column?.storage === 'number') copyRing(ring.values, start, column.values, skip, n);
        else fillRing(ring.values, start, n - skip, Number.NaN);
      } else if (column?.storage === 'categorical') {
        this.addCategories(ring, start, column.codes, skip, n, sent.get(ring.name));
      } else {
        fillRing(ring.codes, start, n - skip, -1);
      }
    }
    if (this.predictions !== undefined) {
      copyRing(this.predictions, start, scores.predictions, offset + skip, offset + n);
    }
    this.addProbabilities(scores.probabilities, start, offset + skip, offset + n);
    const kept = n - skip;
    this.next = (start + kept) % this.capacity;
    this.size = Math.min(this.capacity, this.size + kept);
    this.added += n;
  }

  /**
   * The window compared with the reference; the last report while no row
   * came in since. Rows are in ring order, not arrival order: every drift
   * test compares distributions, which order does not change.
   */
  measure(): DriftReport {
    if (this.cached?.added === this.added) return this.cached.report;
    const size = this.size;
    const columns = this.rings.map((ring) =>
      ring.storage === 'number'
        ? { storage: 'number' as const, name: ring.name, kind: ring.kind, values: ring.values.slice(0, size) }
        : {
            storage: 'categorical' as const,
            name: ring.name,
            kind: 'categorical' as const,
            codes: ring.codes.slice(0, size),
            levels: [...ring.labels],
          },
    );
    const report = detectDrift(this.reference, new Frame(columns, 'live window'), {
      ...(this.predictions === undefined ? {} : { predictions: this.predictions.slice(0, size) }),
      ...(this.probabilities === undefined
        ? {}
        : { probabilities: this.probabilities.slice(0, size * this.classCount) }),
    });
    this.cached = { added: this.added, report };
    return report;
  }

  private addCategories(
    ring: CategoryRing,
    start: number,
    codes: Int32Array,
    skip: number,
    n: number,
    sent: readonly (string | null)[] | undefined,
  ): void {
    if (sent === undefined) {
      copyRing(ring.codes, start, codes, skip, n);
      return;
    }
    let slot = start;
    for (let i = skip; i < n; i++) {
      const label = codes[i]! < 0 ? sent[i] : null;
      ring.codes[slot] = label === null || label === undefined ? codes[i]! : labelCode(ring, label);
      if (++slot === this.capacity) slot = 0;
    }
    // New labels only grow the list. Past twice what the window can hold, those no row holds any more
    // are dropped: at most `capacity` survive, so compacting again takes `capacity` new labels (O(1) a label).
    if (ring.labels.length - ring.modelLevels > 2 * this.capacity) compactLabels(ring);
  }

  private addProbabilities(
    probabilities: Float64Array | undefined,
    start: number,
    from: number,
    to: number,
  ): void {
    if (this.probabilities === undefined) return;
    const k = this.classCount;
    if (probabilities === undefined || probabilities.length < to * k) {
      // This model gives no probabilities (or not per class): compare its predictions only.
      this.probabilities = undefined;
      return;
    }
    let slot = start;
    for (let i = from; i < to; i++) {
      this.probabilities.set(probabilities.subarray(i * k, (i + 1) * k), slot * k);
      if (++slot === this.capacity) slot = 0;
    }
  }
}

function ringFor(
  name: string,
  storage: 'number' | 'categorical',
  kind: string,
  levels: readonly string[],
  capacity: number,
): Ring {
  if (storage === 'categorical') {
    return {
      storage,
      name,
      codes: new Int32Array(capacity),
      labels: [...levels],
      index: new Map(levels.map((level, i) => [level, i])),
      modelLevels: levels.length,
    };
  }
  return { storage, name, kind: kind as NumberRing['kind'], values: new Float64Array(capacity) };
}

/** `source[from … to)` into `ring` from `slot` on, wrapping at its end. */
function copyRing(
  ring: Float64Array | Int32Array,
  slot: number,
  source: Float64Array | Int32Array,
  from: number,
  to: number,
): void {
  // A few rows (the usual single-row request) are cheaper copied one by one than through subarray views.
  if (to - from <= FEW_ROWS) {
    let at = slot;
    for (let i = from; i < to; i++) {
      ring[at] = source[i]!;
      if (++at === ring.length) at = 0;
    }
    return;
  }
  let at = slot;
  let i = from;
  while (i < to) {
    const run = Math.min(to - i, ring.length - at);
    ring.set(source.subarray(i, i + run), at);
    i += run;
    at = (at + run) % ring.length;
  }
}

const FEW_ROWS = 16;

function fillRing(ring: Float64Array | Int32Array, slot: number, count: number, value: number): void {
  let at = slot;
  for (let i = 0; i < count; i++) {
    ring[at] = value;
    if (++at === ring.length) at = 0;
  }
}

function labelCode(ring: CategoryRing, label: string): number {
  let code = ring.index.get(label);
  if (code === undefined) {
    code = ring.labels.length;
    ring.labels.push(label);
    ring.index.set(label, code);
  }
  return code;
}

/** Keeps the model's levels and the new labels some held row still has; renumbers the codes. */
function compactLabels(ring: CategoryRing): void {
  const held = ring.codes.length;
  const used = new Uint8Array(ring.labels.length);
  for (const code of ring.codes) if (code >= ring.modelLevels) used[code] = 1;
  const renumber = new Int32Array(ring.labels.length).fill(-1);
  const labels = ring.labels.slice(0, ring.modelLevels);
  for (let code = 0; code < ring.labels.length; code++) {
    if (code < ring.modelLevels) renumber[code] = code;
    else if (used[code] === 1) renumber[code] = labels.push(ring.labels[code]!) - 1;
  }
  for (let i = 0; i < held; i++) {
    const code = ring.codes[i]!;
    if (code >= 0) ring.codes[i] = renumber[code]!;
  }
  ring.labels = labels;
  ring.index = new Map(labels.map((label, i) => [label, i]));
}

/** What a scrape shows for one served version. */
export interface LiveDrift {
  readonly model: string;
  readonly version: number;
  readonly rows: number;
  /** Undefined until the window holds `minRows` rows. */
  readonly report: DriftReport | undefined;
}

/**
 * The windows of every served version: made on first use, forgotten with
 * their `ServedModel`. A version without a reference profile has none.
 */
export class DriftWindows {
  private readonly windows = new WeakMap<ServedModel, DriftWindow | null>();
  /** Windows whose measurement failed and was reported: once is enough, not at every scrape. */
  private readonly reported = new WeakSet<DriftWindow>();
  private readonly minRows: number;

  constructor(
    readonly capacity: number,
    minRows: number,
    private readonly onEvent?: (message: string) => void,
  ) {
    for (const [field, value] of [
      ['driftWindow', capacity],
      ['driftMinRows', minRows],
    ] as const) {
      if (!(Number.isInteger(value) && value >= 1)) {
        throw new UsageError('serve.bad-option', `${field} must be a whole number ≥ 1, not ${value}`, {
          location: { field },
        });
      }
    }
    // A window smaller than the minimum would never be measured.
    this.minRows = Math.max(1, Math.min(minRows, capacity));
  }

  windowOf(served: ServedModel): DriftWindow | undefined {
    let window = this.windows.get(served);
    if (window === undefined) {
      const reference = readReference(served, this.onEvent);
      const classes = isClassifier(served.model) ? served.model.classes : undefined;
      window =
        reference === undefined ? null : new DriftWindow(reference, served.input, this.capacity, classes);
      this.windows.set(served, window);
    }
    return window ?? undefined;
  }

  /** Drift of each served version that has a window; a version whose measurement fails is reported and left out. */
  measure(models: readonly ServedModel[]): LiveDrift[] {
    const out: LiveDrift[] = [];
    for (const served of models) {
      const window = this.windowOf(served);
      if (window === undefined) continue;
      const base = { model: served.name, version: served.version.version, rows: window.rows };
      if (window.rows < this.minRows) {
        out.push({ ...base, report: undefined });
        continue;
      }
      try {
        out.push({ ...base, report: window.measure() });
      } catch (error) {
        if (!this.reported.has(window)) {
          this.reported.add(window);
          this.onEvent?.(
            `${served.name} version ${served.version.version}: drift not measured: ${(error as Error).message}`,
          );
        }
        out.push({ ...base, report: undefined });
      }
    }
    return out;
  }
}

/** The version's reference profile, when it has one keel can read. */
function readReference(
  served: ServedModel,
  onEvent: ((message: string) => void) | undefined,
): ReferenceProfile | undefined {
  const stored = served.version.reference;
  if (stored === null || stored === undefined) return undefined;
  const profile = storedReference(stored);
  if (profile !== undefined) return profile;
  onEvent?.(
    `${served.name} version ${served.version.version}: its stored reference is not a keel reference profile (version ${REFERENCE_VERSION}): no drift metrics for it`,
  );
  return undefined;
}
