/**
 * Environment every test platform starts with unless the test says otherwise: no scheduled reconciliation (the
 * daily 02:00 UTC slot stays due for an hour, so a test started then would find a run it did not ask for;
 * tests of the schedule set one).
 */
export const TEST_PLATFORM_ENV: Readonly<Record<string, string>> = { RECONCILIATION_SCHEDULE: 'off' };
