import type { FastifySchemaCompiler } from 'fastify';
import { AppError } from '../../domain/app-error';

const NUL_MESSAGE = 'must not contain a NUL character (U+0000)';

/** The dotted path of the first string in `value` holding a NUL character, or null when there is none. */
function nulPath(value: unknown, path: string): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path : null;
  if (typeof value !== 'object' || value === null) return null;
  for (const [key, item] of Object.entries(value)) {
    const found = nulPath(item, path === '' ? key : `${path}.${key}`);
    if (found !== null) return found;
  }
  return null;
}

/**
 * Wraps a validator compiler so that input text PostgreSQL cannot store (a NUL character; PostgreSQL refuses it
 * in any text value) is refused with the other input errors: 400 VALIDATION_FAILED naming the field, before the
 * handler runs and so before anything is written. Without it such a value failed in the database as a 500.
 *
 * @example
 * app.setValidatorCompiler(refusingNulText(validatorCompiler));
 */
export function refusingNulText<S>(compile: FastifySchemaCompiler<S>): FastifySchemaCompiler<S> {
  return (route) => {
    const validate = compile(route);
    return (data: unknown) => {
      const result = validate(data);
      // Only a synchronous success carries a value to look at (the zod compiler's answer is always synchronous).
      if (typeof result !== 'object' || 'then' in result || result.error !== undefined) return result;
      const path = nulPath(result.value, '');
      if (path === null) return result;
      const field = [route.httpPart, path].filter(Boolean).join('.');
      return {
        error: new AppError('VALIDATION_FAILED', `${field}: ${NUL_MESSAGE}`, {
          details: { issues: [{ field, message: NUL_MESSAGE }] },
        }),
      };
    };
  };
}
