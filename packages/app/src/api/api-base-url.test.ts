import { describe, expect, it } from 'vitest';
import { normalizeApiBaseUrl } from './api-base-url';

describe('normalizeApiBaseUrl', () => {
  it('treats unset, empty and blank as the same origin', () => {
    expect(normalizeApiBaseUrl(undefined)).toBe('');
    expect(normalizeApiBaseUrl('')).toBe('');
    expect(normalizeApiBaseUrl('   ')).toBe('');
  });

  it('drops trailing slashes so that paths can be appended', () => {
    expect(normalizeApiBaseUrl('https://api.example.com/')).toBe('https://api.example.com');
    expect(normalizeApiBaseUrl('https://example.com/sge-api//')).toBe('https://example.com/sge-api');
    expect(normalizeApiBaseUrl(' http://127.0.0.1:3000 ')).toBe('http://127.0.0.1:3000');
  });

  it('rejects anything that is not an absolute http(s) URL', () => {
    expect(() => normalizeApiBaseUrl('api.example.com')).toThrow(/absolute http\(s\) URL/);
    expect(() => normalizeApiBaseUrl('/api')).toThrow(/absolute http\(s\) URL/);
    expect(() => normalizeApiBaseUrl('ftp://api.example.com')).toThrow(/http or https/);
  });

  it('rejects credentials, queries and fragments, which would break every request path', () => {
    expect(() => normalizeApiBaseUrl('https://user:pw@api.example.com')).toThrow(/credentials/);
    expect(() => normalizeApiBaseUrl('https://api.example.com/?x=1')).toThrow(/query/);
    expect(() => normalizeApiBaseUrl('https://api.example.com/#top')).toThrow(/fragment/);
  });
});
