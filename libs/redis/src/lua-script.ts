import { createHash } from 'node:crypto';

import type { Redis } from 'ioredis';

/** One call of a {@link LuaScript}. */
export interface LuaCall {
  readonly keys: readonly string[];
  readonly args: readonly (string | number)[];
}

/**
 * A Lua script run by its SHA1 (`EVALSHA`), loaded on first use or after a Redis restart
 * forgot it (`NOSCRIPT`). Key arguments get the client's ioredis `keyPrefix` like any key.
 */
export class LuaScript {
  readonly #source: string;
  readonly #sha: string;

  constructor(source: string) {
    this.#source = source;
    this.#sha = createHash('sha1').update(source).digest('hex');
  }

  async run(redis: Redis, call: LuaCall): Promise<unknown> {
    try {
      return await redis.evalsha(this.#sha, call.keys.length, ...call.keys, ...call.args);
    } catch (error: unknown) {
      if (!isNoScript(error)) throw error;
      return redis.eval(this.#source, call.keys.length, ...call.keys, ...call.args);
    }
  }

  /** Runs several calls in one pipeline; rejects with the first call's error, if any. */
  async runMany(redis: Redis, calls: readonly LuaCall[]): Promise<unknown[]> {
    if (calls.length === 0) return [];
    let results = await this.#pipeline(redis, calls);
    if (results.some(([error]) => isNoScript(error))) {
      await redis.script('LOAD', this.#source);
      results = await this.#pipeline(redis, calls);
    }
    return results.map(([error, value]) => {
      if (error !== null) throw error;
      return value;
    });
  }

  async #pipeline(redis: Redis, calls: readonly LuaCall[]): Promise<[Error | null, unknown][]> {
    const pipeline = redis.pipeline();
    for (const call of calls) {
      pipeline.evalsha(this.#sha, call.keys.length, ...call.keys, ...call.args);
    }
    const results = await pipeline.exec();
    // exec() resolves null only for a MULTI discarded by WATCH, which a pipeline never is.
    if (results === null) throw new Error('the Redis pipeline was discarded');
    return results;
  }
}

function isNoScript(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('NOSCRIPT');
}
