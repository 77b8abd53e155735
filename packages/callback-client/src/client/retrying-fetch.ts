/**
 * The one retry loop of the worker side: every request a worker makes to the api (callbacks, the
 * storage URL requests, and the signed-URL transfers themselves) goes through it. Network errors,
 * 429 and 5xx are retried with backoff until `maxElapsedMs`; any other 4xx is final
 * (`CallbackRejectedError`). The request is rebuilt for each attempt, so a signature's timestamp
 * is always fresh while the body stays identical.
 */
import { CallbackDeliveryError, CallbackRejectedError } from './errors.js';
import { type BackoffOptions, retryDelay } from './retry-delay.js';

export interface RetryPolicy extends BackoffOptions {
  /** Give up after this long. */
  maxElapsedMs: number;
  /** Called before each retry (for logs). */
  onRetry?: (info: { attempt: number; delayMs: number; reason: string }) => void;
}

export interface AttemptRequest {
  url: string;
  init: RequestInit;
}

const RETRYABLE = (status: number) => status === 429 || status >= 500;

/**
 * Sends `request()` until an answer that is not retryable arrives, and returns the successful
 * response with its body unread (a download streams it). `timeoutMs` bounds each attempt until the
 * response headers arrive, not the reading of the body: a large video may take longer to stream.
 * `target` names the other side in errors ("job-callback", "storage").
 */
export async function retryingFetch(
  target: string,
  request: () => AttemptRequest,
  options: { policy: RetryPolicy; timeoutMs: number; signal?: AbortSignal },
): Promise<Response> {
  const { policy, timeoutMs, signal } = options;
  const started = Date.now();
  let attempt = 0;
  let lastError: unknown;
  while (true) {
    attempt += 1;
    signal?.throwIfAborted();
    try {
      const response = await fetchWithHeaderTimeout(request(), timeoutMs, signal);
      if (response.ok) return response;
      if (!RETRYABLE(response.status)) {
        throw new CallbackRejectedError(response.status, await readErrorBody(response), target);
      }
      await response.body?.cancel();
      lastError = new Error(`HTTP ${response.status}`);
    } catch (error) {
      if (error instanceof CallbackRejectedError || signal?.aborted) throw error;
      lastError = error;
    }
    const delayMs = retryDelay(attempt, policy);
    if (Date.now() - started + delayMs > policy.maxElapsedMs) {
      throw new CallbackDeliveryError(attempt, Date.now() - started, { cause: lastError }, target);
    }
    policy.onRetry?.({ attempt, delayMs, reason: String((lastError as Error)?.message ?? lastError) });
    await new Promise((resolve) => setTimeout(resolve, delayMs));
  }
}

async function fetchWithHeaderTimeout(
  { url, init }: AttemptRequest,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<Response> {
  const timeout = new AbortController();
  const timer = setTimeout(
    () => timeout.abort(new Error(`no answer from ${new URL(url).host} within ${timeoutMs} ms`)),
    timeoutMs,
  );
  try {
    return await fetch(url, {
      ...init,
      signal: AbortSignal.any([timeout.signal, ...(signal ? [signal] : [])]),
    });
  } finally {
    clearTimeout(timer);
  }
}

/** The refusal's JSON body (`{ error: { code, message } }`), or its text when it is not JSON. */
async function readErrorBody(response: Response): Promise<unknown> {
  const text = await response.text().catch(() => '');
  try {
    return JSON.parse(text);
  } catch {
    return text.slice(0, 500) || null;
  }
}
