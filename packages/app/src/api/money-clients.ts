import { createAdminClient, readAdminKey } from './admin-client';
import { createAffiliateClient } from './affiliate-client';
import { api } from './api';

/** The app's affiliate client (Sign-In with Ethereum and /api/affiliate/...). */
export const affiliateClient = createAffiliateClient(api);

/** The app's admin client: every call carries the admin key kept in sessionStorage. */
export const adminClient = createAdminClient(api, readAdminKey);
