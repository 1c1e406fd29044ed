import { UsageError } from '../core/errors.js';
import { openStore } from '../registry/open.js';
import type { Recorded, Recording } from '../train/recording.js';
import { flag, inSection, text } from './options.js';
import { STORE_OPTIONS } from './store-option.js';

/**
 * The tracking options every training command shares (--experiment,
 * --register, --no-track, --store), and the store they open. What a run
 * records is the library's business (src/train/recording.ts), so the CLI and
 * a program leave the same records.
 */
export const TRACKING_OPTIONS = inSection(
  'Tracking (every run is recorded in the store; keel runs lists them)',
  {
    experiment: text({ placeholder: 'E', help: 'the experiment the run belongs to', default: 'default' }),
    register: text({
      placeholder: 'NAME',
      help: 'register the fitted model as a new version of NAME (keel models show NAME)',
    }),
    'no-track': flag({ help: 'record nothing' }),
    ...STORE_OPTIONS,
  },
);

export interface TrackingFlags {
  readonly store?: string;
  readonly experiment?: string;
  readonly register?: string;
  readonly 'no-track'?: boolean;
}

/**
 * The store the run is recorded in, opened before any reading or fitting so
 * that a bad store fails fast; null with --no-track. The caller closes it.
 */
export async function openRecording(flags: TrackingFlags): Promise<Recording | null> {
  if (flags['no-track']) {
    if (flags.register === undefined) return null;
    throw new UsageError('usage.conflict', '--register needs the store, which --no-track turns off', {
      location: { field: 'register' },
      hint: 'drop --no-track to register the model',
    });
  }
  const store = await openStore(flags.store === undefined ? {} : { url: flags.store });
  return {
    store,
    experiment: flags.experiment ?? 'default',
    ...(flags.register === undefined ? {} : { register: flags.register }),
  };
}

/** The line a report ends with: where the run was recorded, and the version registered. */
export function recordedLine(recorded: Recorded): string {
  const short = recorded.runId.slice(0, 8);
  const run = `Recorded as run ${short} (keel runs show ${short})`;
  const { registered } = recorded;
  return registered === null
    ? `${run}.`
    : `${run}; registered as ${registered.model} version ${registered.version}.`;
}
