/** One entry of the rpc allow-list: its argument schema and what it runs. */
import type { z } from 'zod';
import type { Scope } from '../scope.js';
import type { RouteContext } from '../settings.js';

export interface RpcFunction {
  args: z.ZodType<Record<string, unknown>>;
  run(ctx: RouteContext, scope: Scope, args: never): Promise<unknown>;
}

/** An allow-list entry whose `run` is typed by its schema. */
export const rpcFunction = <Args extends Record<string, unknown>>(
  args: z.ZodType<Args>,
  run: (ctx: RouteContext, scope: Scope, args: Args) => Promise<unknown>,
): RpcFunction => ({ args, run: run as RpcFunction['run'] });
