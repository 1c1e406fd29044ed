import { UsageError } from '../core/errors.js';
import type { MetricPoint } from './types.js';

/**
 * Argument checks and the "not found" errors of the store, so every method
 * words them the same way.
 */

/** Names people type and shells pass unquoted: letters, digits, `_`, `.`, `-`. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

export function checkName(value: unknown, field: string): string {
  if (typeof value === 'string' && NAME.test(value)) return value;
  throw new UsageError('registry.bad-name', `${field} ${JSON.stringify(value)} is not a valid name`, {
    location: { field },
    hint: 'use up to 128 letters, digits, "_", "." or "-", starting with a letter or digit',
  });
}

/**
 * An alias is never all digits, so `getVersion(name, "3")` always means
 * version 3, and never `latest`, which `name@latest` reserves for the newest version.
 */
export function checkAlias(value: unknown): string {
  const alias = checkName(value, 'alias');
  if (alias === 'latest') {
    throw new UsageError('registry.bad-alias', 'the alias "latest" is reserved', {
      location: { field: 'alias' },
      hint: 'name@latest always means the newest version; choose another alias, e.g. "newest-approved"',
    });
  }
  if (!/^\d+$/.test(alias)) return alias;
  throw new UsageError('registry.bad-alias', `alias "${alias}" looks like a version number`, {
    location: { field: 'alias' },
    hint: 'choose a name with a letter in it, e.g. "prod" or "v3-candidate"',
  });
}

export function checkVersionNumber(value: unknown): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 1) return value;
  throw new UsageError('registry.bad-version', `version ${JSON.stringify(value)} is not a version number`, {
    location: { field: 'version' },
    hint: 'versions are whole numbers from 1',
  });
}

export function checkMetric(point: MetricPoint): void {
  if (typeof point?.name !== 'string' || point.name === '') {
    throw badMetric('name', `metric name ${JSON.stringify(point?.name)} is not a non-empty string`);
  }
  if (typeof point.value !== 'number') {
    throw badMetric('value', `metric "${point.name}" has value ${JSON.stringify(point.value)}, not a number`);
  }
  for (const field of ['fold', 'step'] as const) {
    const v = point[field];
    if (v === undefined || v === null || (Number.isInteger(v) && v >= 0)) continue;
    throw badMetric(
      field,
      `metric "${point.name}" has ${field} ${JSON.stringify(v)}, not a whole number ≥ 0`,
    );
  }
}

function badMetric(field: string, message: string): UsageError {
  return new UsageError('registry.bad-metric', message, {
    location: { field },
    hint: 'a metric point is { name, value, fold?, step? } with fold and step whole numbers from 0, or null',
  });
}

export function unknownRun(id: string, field = 'runId'): UsageError {
  return new UsageError('registry.unknown-run', `there is no run "${id}" in the store`, {
    location: { field },
    hint: 'check the id; listRuns() (keel runs) lists the runs',
  });
}

export function unknownModel(name: string, project: string): UsageError {
  return new UsageError('registry.unknown-model', `there is no model "${name}" in project "${project}"`, {
    location: { field: 'model' },
    hint: 'check the name; listModels() (keel models) lists the registered models',
  });
}

export function unknownVersion(name: string, version: number): UsageError {
  return new UsageError('registry.unknown-version', `model "${name}" has no version ${version}`, {
    location: { field: 'version' },
    hint: `listVersions("${name}") lists its versions`,
  });
}

export function unknownAlias(name: string, alias: string): UsageError {
  return new UsageError('registry.unknown-alias', `model "${name}" has no alias "${alias}"`, {
    location: { field: 'alias' },
    hint: `getModel("${name}").aliases lists its aliases`,
  });
}

export function checkJsonObject(value: unknown, field: string): string {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) return JSON.stringify(value);
  throw new UsageError('registry.bad-object', `${field} must be a JSON object`, {
    location: { field },
    hint: `pass ${field} as a plain object, e.g. { "maxDepth": 6 }`,
  });
}
