import type { TRuntime } from '../../runtime';
import type { TApp } from '../server';
import { registerHealthRoutes } from './health';
import { registerMetricsRoute } from './metrics';
import { registerSystemRoutes } from './system';

/** Every route module, registered in this order by buildServer. Add a resource's module here. */
export const ROUTE_MODULES: readonly ((app: TApp, runtime: TRuntime) => void | Promise<void>)[] = [
  registerHealthRoutes,
  registerMetricsRoute,
  registerSystemRoutes,
];
