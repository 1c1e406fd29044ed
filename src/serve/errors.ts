import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { DataError, KeelError, SchemaError, UsageError } from '../core/errors.js';

/**
 * Every error answer has keel's error shape (`KeelError.toJSON()`: error
 * code, message, hint, location) whether keel or Fastify raised it, so a
 * client handles one format.
 */

const STATUS_BY_CODE: Readonly<Record<string, number>> = {
  'serve.unknown-model': 404,
  'serve.unauthorized': 401,
  'serve.not-supported': 501,
  'serve.closing': 503,
};

function statusOf(error: KeelError): number {
  const status = STATUS_BY_CODE[error.code];
  if (status !== undefined) return status;
  if (error instanceof SchemaError) return 422; // the model refused the values (rare after validation)
  if (error instanceof DataError || error instanceof UsageError) return 400;
  return 500;
}

/** Fastify's own client errors, with a keel code and what to do. */
function fromFastify(error: FastifyError, bodyLimitBytes: number): KeelError | undefined {
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new UsageError('serve.unsupported-media-type', error.message, {
        location: { field: 'content-type' },
        hint: 'send application/json (rows or columns) or text/csv with a header line',
      });
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new UsageError('serve.body-too-large', `the body is larger than ${bodyLimitBytes} bytes`, {
        location: { field: 'body' },
        hint: 'split the rows over several requests, or score files with keel predict',
      });
    default:
      return error.statusCode !== undefined && error.statusCode < 500
        ? new UsageError('serve.bad-request', error.message, { hint: error.code })
        : undefined;
  }
}

export function errorHandler(bodyLimitBytes: number) {
  return (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const keel = error instanceof KeelError ? error : fromFastify(error, bodyLimitBytes);
    if (keel !== undefined) {
      const status = error instanceof KeelError ? statusOf(keel) : (error.statusCode ?? 400);
      return reply.code(status).send({ ...keel.toJSON(), requestId: request.id });
    }
    request.log.error(error);
    return reply.code(500).send({
      error: 'serve.internal',
      message: 'the server failed to answer this request',
      hint: 'this is a bug in keel; the server log has the details',
      requestId: request.id,
    });
  };
}

export function unknownModel(name: string, served: readonly string[]): UsageError {
  return new UsageError('serve.unknown-model', `no model named "${name}" is served here`, {
    location: { field: 'name' },
    hint: served.length === 0 ? 'this server serves no models' : `served models: ${served.join(', ')}`,
  });
}
