/** A Lua script with its SHA-1, so stores can try EVALSHA first and send the source only once. */
import { createHash } from 'node:crypto';

export interface LuaScript {
  /** Short name for logs and errors. */
  name: string;
  source: string;
  sha1: string;
}

export function defineScript(name: string, source: string): LuaScript {
  return { name, source, sha1: createHash('sha1').update(source).digest('hex') };
}
