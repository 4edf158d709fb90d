import { describe, expect, it } from 'vitest';
import { ApiError, describeApiError, type TApiFailure } from './api-error';

function apiError(failure: TApiFailure, message = 'message', requestId: string | null = null): ApiError {
  return new ApiError({ failure, method: 'GET', path: '/api/system/status', message, requestId });
}

describe('describeApiError', () => {
  it("quotes the API's own message and code, and the request id when there is one", () => {
    const description = describeApiError(
      apiError(
        { kind: 'api', status: 503, code: 'DEPENDENCY_UNAVAILABLE', details: undefined },
        'RPC down',
        'r-1',
      ),
    );
    expect(description.summary).toBe('The API reported an error');
    expect(description.detail).toBe(
      'GET /api/system/status: RPC down (DEPENDENCY_UNAVAILABLE, HTTP 503). Request id: r-1.',
    );
  });

  it('calls a bare 502, 503 or 504 from a proxy "unavailable", other statuses an unexpected error', () => {
    expect(describeApiError(apiError({ kind: 'http', status: 502, statusText: 'Bad Gateway' })).summary).toBe(
      'The API is unavailable',
    );
    const other = describeApiError(apiError({ kind: 'http', status: 500, statusText: '' }));
    expect(other.summary).toBe('The API answered with an unexpected error');
    expect(other.detail).toBe("GET /api/system/status: HTTP 500, without the API's error details.");
  });

  it('lists the schema problems of a response the app does not understand', () => {
    const description = describeApiError(
      apiError({
        kind: 'invalid-response',
        status: 200,
        issues: ['chainId: expected number', 'mode: invalid'],
      }),
    );
    expect(description.detail).toContain('chainId: expected number; mode: invalid');
  });

  it('says when there was no answer at all, or none in time', () => {
    expect(describeApiError(apiError({ kind: 'network' })).summary).toBe('Cannot reach the API');
    expect(describeApiError(apiError({ kind: 'timeout', timeoutMs: 4_000 })).detail).toBe(
      'GET /api/system/status: no answer within 4 s.',
    );
  });

  it('still describes errors that did not come from the client', () => {
    expect(describeApiError(new Error('boom'))).toEqual({ summary: 'Unexpected error', detail: 'boom' });
    expect(describeApiError('text')).toEqual({ summary: 'Unexpected error', detail: 'text' });
  });
});
