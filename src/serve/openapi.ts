import type { Json } from '../core/artifact.js';
import type { InputColumn } from '../data/input-spec.js';
import { storedReference } from '../drift/reference.js';
import type { ServedModel } from './model-set.js';
import { isClassifier } from './score.js';

type JsonSchema = { [key: string]: Json };

/**
 * The OpenAPI 3 document, written from each served model's schema (the one
 * source of truth that also drives validation), so /docs shows exactly the
 * columns, kinds and levels the server checks. Rebuilt when a version is
 * swapped in, since a new version may take other columns.
 */
export function openApiDocument(models: readonly ServedModel[], requireKeys: boolean): JsonSchema {
  const paths: JsonSchema = {
    '/v1/models': { get: simpleGet('The served models: names, versions, aliases and input schemas.', true) },
    '/v1/feedback': feedbackPath(requireKeys),
    '/health': { get: simpleGet('Liveness: the process answers.', false) },
    '/ready': {
      get: simpleGet('Readiness: every model is loaded and the server is not shutting down.', false),
    },
    '/metrics': { get: simpleGet('Prometheus metrics (text format).', false) },
  };
  for (const served of models) paths[`/v1/models/${served.name}/predict`] = predictPath(served, requireKeys);
  const doc: JsonSchema = {
    openapi: '3.0.3',
    info: {
      title: 'keel model service',
      version: '1',
      description: `Predictions from ${models.map((m) => `${m.name} (version ${m.version.version})`).join(', ')}.`,
    },
    paths,
    components: {
      schemas: { Problem: problemSchema() },
      ...(requireKeys ? { securitySchemes: { apiKey: { type: 'http', scheme: 'bearer' } } } : {}),
    },
  };
  return doc;
}

function simpleGet(summary: string, secured: boolean): JsonSchema {
  return { summary, responses: { '200': { description: 'OK' } }, ...(secured ? {} : { security: [] }) };
}

function predictPath(served: ServedModel, requireKeys: boolean): JsonSchema {
  const columns = served.input.columns;
  const row: JsonSchema = {
    type: 'object',
    properties: Object.fromEntries(columns.map((c) => [c.name, valueSchema(c)])),
    required: columns.filter((c) => c.kind !== 'id' || !c.acceptsMissing).map((c) => c.name),
    additionalProperties: false,
  };
  const columnar: JsonSchema = {
    type: 'object',
    properties: Object.fromEntries(columns.map((c) => [c.name, { type: 'array', items: valueSchema(c) }])),
    additionalProperties: false,
  };
  return {
    post: {
      summary: `Predict with ${served.name} (version ${served.version.version}, ${served.version.task})`,
      ...(requireKeys ? { security: [{ apiKey: [] }] } : {}),
      parameters: [
        {
          name: 'explain',
          in: 'query',
          required: false,
          schema: { type: 'boolean' },
          description: "Add each row's top feature contributions.",
        },
      ],
      requestBody: {
        required: true,
        content: {
          'application/json': {
            schema: { oneOf: [{ type: 'array', items: row }, columnar, row] },
            example: [exampleRow(columns, typicalValues(served.version.reference))],
          },
          'text/csv': {
            schema: { type: 'string' },
            example: exampleCsv(columns, typicalValues(served.version.reference)),
          },
        },
      },
      responses: {
        '200': {
          description: 'Predictions',
          content: { 'application/json': { schema: answerSchema(served) } },
        },
        '422': {
          description: 'The input does not fit the model: every problem, by row and field',
          content: { 'application/json': { schema: { $ref: '#/components/schemas/Problem' } } },
        },
      },
    },
  };
}

function valueSchema(c: InputColumn): JsonSchema {
  const nullable: JsonSchema = c.acceptsMissing ? { nullable: true } : {};
  switch (c.kind) {
    case 'categorical':
      return { type: 'string', enum: [...c.levels], ...nullable };
    case 'boolean':
      return { type: 'boolean', ...nullable };
    case 'datetime':
      return { type: 'string', format: 'date-time', ...nullable };
    case 'text':
      return { type: 'string', ...nullable };
    case 'id':
      return { type: c.storage === 'number' ? 'number' : 'string', ...nullable };
    default: {
      const range = c.min !== null && c.max !== null ? `training range ${c.min} … ${c.max}` : undefined;
      return {
        type: c.kind === 'integer' ? 'integer' : 'number',
        ...(range === undefined ? {} : { description: range }),
        ...nullable,
      };
    }
  }
}

function answerSchema(served: ServedModel): JsonSchema {
  const classifier = isClassifier(served.model);
  return {
    type: 'object',
    properties: {
      model: { type: 'string' },
      version: { type: 'integer' },
      requestId: { type: 'string' },
      predictions: {
        type: 'array',
        items: classifier ? { type: 'string', enum: [...served.model.classes!] } : { type: 'number' },
      },
      ...(classifier
        ? {
            probabilities: { type: 'array', items: { type: 'array', items: { type: 'number' } } },
            classes: { type: 'array', items: { type: 'string' } },
          }
        : {}),
      warnings: { type: 'array', items: { type: 'object' } },
    },
  };
}

function problemSchema(): JsonSchema {
  return {
    type: 'object',
    properties: {
      error: { type: 'string' },
      message: { type: 'string' },
      problems: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            row: { type: 'integer', nullable: true },
            field: { type: 'string', nullable: true },
            problem: { type: 'string' },
          },
        },
      },
      problemCount: { type: 'integer' },
    },
  };
}

function feedbackPath(requireKeys: boolean): JsonSchema {
  return {
    post: {
      summary: 'Attach ground-truth labels to an answered request (for monitoring).',
      ...(requireKeys ? { security: [{ apiKey: [] }] } : {}),
      requestBody: {
        required: true,
        content: {
          'application/json': {
            schema: {
              type: 'object',
              required: ['requestId', 'labels'],
              properties: { requestId: { type: 'string' }, labels: { type: 'array', items: {} } },
            },
          },
        },
      },
      responses: { '200': { description: 'Stored' } },
    },
  };
}

function exampleValue(c: InputColumn): Json {
  if (c.storage === 'categorical') return c.levels[0] ?? null;
  if (c.kind === 'boolean') return true;
  if (c.kind === 'datetime') return new Date(c.min ?? 0).toISOString();
  if (c.storage === 'string') return 'text';
  if (c.min === null || c.max === null) return 0;
  const mid = (c.min + c.max) / 2;
  return c.kind === 'integer' ? Math.round(mid) : Number(mid.toPrecision(4));
}

function exampleRow(columns: readonly InputColumn[], typical: ReadonlyMap<string, Json>): JsonSchema {
  return Object.fromEntries(columns.map((c) => [c.name, typical.get(c.name) ?? exampleValue(c)]));
}

/**
 * A typical training row from the version's monitoring reference (when it
 * has one): each number's median and each category's most frequent level, so
 * the example a user copies first asks about an ordinary case rather than the
 * middle of each column's range, which can be far from any real row.
 */
function typicalValues(stored: unknown): ReadonlyMap<string, Json> {
  const typical = new Map<string, Json>();
  for (const f of storedReference(stored)?.features ?? []) {
    if (f.kind === 'numeric' && f.sample.length > 0) {
      typical.set(f.name, f.sample[Math.floor((f.sample.length - 1) / 2)]!);
    } else if (f.kind === 'categorical') {
      const level = f.levels[f.counts.indexOf(Math.max(...f.counts))];
      if (level !== undefined) typical.set(f.name, f.fromNumbers ? Number(level) : level);
    }
  }
  return typical;
}

function exampleCsv(columns: readonly InputColumn[], typical: ReadonlyMap<string, Json>): string {
  const quote = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  const values = columns.map((c) => typical.get(c.name) ?? exampleValue(c));
  return `${columns.map((c) => quote(c.name)).join(',')}\n${values.map((v) => quote(v === null ? '' : String(v))).join(',')}\n`;
}
