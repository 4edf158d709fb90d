import type { TErrorCode, TErrorResponse } from '@sge/shared';
import type { FastifyError } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AppError } from '../../domain/app-error';
import type { TErrorReporter } from '../../monitoring/error-reporter';
import { ERROR_STATUS } from '../error-status';
import type { TApp } from '../server';

/** Fastify's own error codes, translated into ours. */
const FASTIFY_CODES: Record<string, TErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'BAD_REQUEST',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'BAD_REQUEST',
  FST_ERR_CTP_INVALID_JSON_BODY: 'BAD_REQUEST',
  FST_ERR_VALIDATION: 'VALIDATION_FAILED',
};

function send(reply: import('fastify').FastifyReply, code: TErrorCode, message: string, details?: unknown) {
  const body: TErrorResponse = { error: code, message };
  if (details !== undefined) body.details = details;
  return reply.status(ERROR_STATUS[code]).type('application/json').send(body);
}

/** The intent a request names (`:intentId` in the path, `intentId` in the body), for error reports. */
function intentIdOf(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const id = (value as Record<string, unknown>).intentId;
  return typeof id === 'string' ? id : undefined;
}

/**
 * One place that turns every failure into the JSON error shape of SPEC §6. Invalid input is a 4xx naming
 * the field; only an unexpected error is a 500, and its details stay in the log (with the request id) and go to
 * the error reporter (Sentry, when configured).
 */
export function registerErrorHandling(app: TApp, reporter: TErrorReporter) {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof AppError) return send(reply, error.code, error.message, error.details);

    if (hasZodFastifySchemaValidationErrors(error)) {
      const issues = error.validation.map((issue) => {
        const path = issue.instancePath.replace(/^\//, '').replaceAll('/', '.');
        const field = [error.validationContext, path].filter(Boolean).join('.');
        return { field, message: issue.message };
      });
      const message = issues.map((issue) => `${issue.field || 'request'}: ${issue.message}`).join('; ');
      return send(reply, 'VALIDATION_FAILED', message, { issues });
    }

    if (error.statusCode === 429) {
      return send(reply, 'RATE_LIMITED', 'Too many requests; retry after the time in the Retry-After header');
    }
    const mapped = error.code ? FASTIFY_CODES[error.code] : undefined;
    if (mapped) return send(reply, mapped, error.message);
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      return send(reply, 'BAD_REQUEST', error.message);
    }

    request.log.error({ err: error, reqId: request.id }, 'unexpected error');
    reporter.report(error, {
      requestId: request.id,
      route: request.routeOptions.url,
      intentId: intentIdOf(request.params) ?? intentIdOf(request.body),
    });
    return send(reply, 'INTERNAL', `Internal error; quote request id ${request.id} when reporting it`);
  });

  app.setNotFoundHandler((request, reply) =>
    send(reply, 'NOT_FOUND', `No route ${request.method} ${request.url.split('?')[0]}`),
  );
}
