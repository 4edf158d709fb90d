import { normalizeApiBaseUrl } from './api-base-url';
import { createApiClient } from './client';

/** The API base URL this build talks to: '' (same origin) unless VITE_API_URL was set at build time. */
export const apiBaseUrl = normalizeApiBaseUrl(import.meta.env.VITE_API_URL);

/** The app's one API client. */
export const api = createApiClient({ baseUrl: apiBaseUrl });
