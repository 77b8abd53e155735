import type { AuthVariables } from '@gpuq/auth';

/** Context variables every route may read: the caller, and ids the request log reports. */
export interface ApiHonoEnv {
  Variables: AuthVariables & { requestId: string; userId?: string; jobId?: string };
}
