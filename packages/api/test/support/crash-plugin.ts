import type {
  KyselyPlugin,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
  QueryResult,
  RootOperationNode,
  UnknownRow,
} from 'kysely';

/** The error a crash injected by CrashPlugin throws. */
export class InjectedCrash extends Error {
  constructor(readonly atQuery: number) {
    super(`injected crash before query ${atQuery}`);
    this.name = 'InjectedCrash';
  }
}

/**
 * Kills a use case at a chosen point: armed with `n`, the (n+1)-th query compiled through the Kysely
 * instance carrying this plugin throws instead of running, as a process dying there would stop it. Inside a
 * transaction that rolls the transaction back; between transactions it leaves the earlier ones committed.
 */
export class CrashPlugin implements KyselyPlugin {
  #remaining: number | null = null;
  #seen = 0;

  arm(queriesBeforeCrash: number) {
    this.#remaining = queriesBeforeCrash;
    this.#seen = 0;
  }

  disarm() {
    this.#remaining = null;
  }

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    if (this.#remaining !== null) {
      if (this.#remaining === 0) {
        this.#remaining = null;
        throw new InjectedCrash(this.#seen);
      }
      this.#remaining--;
      this.#seen++;
    }
    return args.node;
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}
