/**
 * Which part of the API a path belongs to, for token scopes: the task protocol's functions are
 * `tasks` (the rpc checks its own), projects and tokens are every token's (token management is
 * sign-in only anyway), everything else behind authentication is `jobs`.
 */
import type { ApiArea } from '@gpuq/auth';
import { TASK_PROTOCOL_FUNCTIONS } from '@gpuq/task-protocol';

const TASK_PATHS = new Set<string>(TASK_PROTOCOL_FUNCTIONS.map((name) => `/functions/v1/${name}`));

export function apiAreaOf(path: string): ApiArea | null {
  if (TASK_PATHS.has(path)) return 'tasks';
  if (path === '/v1/projects' || path === '/v1/tokens' || path.startsWith('/v1/tokens/')) return null;
  return 'jobs';
}
