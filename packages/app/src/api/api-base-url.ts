/**
 * Normalises the API base URL the app is built with (`VITE_API_URL`).
 *
 * Empty or unset means "same origin": the app calls `/api/...` on the host that served it (the dev server
 * proxies those paths; in production a reverse proxy or the CDN routes them). Otherwise it must be an
 * absolute http(s) URL without query or fragment; a trailing slash is dropped so that paths can be appended.
 * Anything else throws, so that a typo fails the build instead of shipping an app that calls nowhere.
 *
 * @example normalizeApiBaseUrl('https://api.example.com/') // 'https://api.example.com'
 * @example normalizeApiBaseUrl(undefined) // ''
 */
export function normalizeApiBaseUrl(raw: string | undefined): string {
  const value = (raw ?? '').trim();
  if (value === '') return '';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(
      `VITE_API_URL must be empty or an absolute http(s) URL such as https://api.example.com, got "${value}"`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`VITE_API_URL must use http or https, got "${value}"`);
  }
  if (url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    throw new Error(`VITE_API_URL must not contain credentials, a query or a fragment, got "${value}"`);
  }
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
}
