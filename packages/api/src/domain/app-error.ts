import type { TErrorCode } from '@sge/shared';

/**
 * The one base class of operating errors the API reports to clients: a code from ERROR_CODES, a message a
 * person can act on, optional details (e.g. which field), and a cause chain. http/error-status.ts maps codes
 * to HTTP statuses. Programmer mistakes are not AppErrors: they are assertions and surface as 500.
 */
export class AppError extends Error {
  readonly code: TErrorCode;
  readonly details: unknown;

  constructor(code: TErrorCode, message: string, options: { details?: unknown; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.details = options.details;
  }
}
