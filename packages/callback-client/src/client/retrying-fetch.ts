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

/** One attempt's answer, as the retry loop needs it. */
export interface AttemptAnswer {
  status: number;
  /** Drops the body of an answer that will be retried. */
  discard(): Promise<void>;
  /** The body of a final refusal, for CallbackRejectedError. */
  refusal(): Promise<unknown>;
}

/**
 * Runs `attempt()` until an answer that is not retryable arrives and returns it, successful, with
 * its body unread. Throws CallbackRejectedError for a final 4xx and CallbackDeliveryError once the
 * time bound is spent; `target` names the other side in errors ("job-callback", "storage").
 */
export async function retrying<Answer extends AttemptAnswer>(
  target: string,
  attempt: () => Promise<Answer>,
  options: { policy: RetryPolicy; signal?: AbortSignal },
): Promise<Answer> {
  const { policy, signal } = options;
  const started = Date.now();
  let attempts = 0;
  let lastError: unknown;
  while (true) {
    attempts += 1;
    signal?.throwIfAborted();
    try {
      const answer = await attempt();
      if (answer.status >= 200 && answer.status < 300) return answer;
      if (!RETRYABLE(answer.status)) {
        throw new CallbackRejectedError(answer.status, await answer.refusal(), target);
      }
      await answer.discard();
      lastError = new Error(`HTTP ${answer.status}`);
    } catch (error) {
      if (error instanceof CallbackRejectedError || signal?.aborted) throw error;
      lastError = error;
    }
    const delayMs = retryDelay(attempts, policy);
    if (Date.now() - started + delayMs > policy.maxElapsedMs) {
      throw new CallbackDeliveryError(attempts, Date.now() - started, { cause: lastError }, target);
    }
    policy.onRetry?.({
      attempt: attempts,
      delayMs,
      reason: String((lastError as Error)?.message ?? lastError),
    });
    await new Promise((resolve) => setTimeout(resolve, delayMs));
  }
}

/**
 * `retrying` over `fetch`, for the signed-URL transfers: the successful `Response` comes back with
 * its body unread (a download streams it). `timeoutMs` bounds each attempt until the response
 * headers arrive, not the reading of the body: a large video may take longer to stream.
 */
export async function retryingFetch(
  target: string,
  request: () => AttemptRequest,
  options: { policy: RetryPolicy; timeoutMs: number; signal?: AbortSignal },
): Promise<Response> {
  const answer = await retrying(
    target,
    async () => {
      const response = await fetchWithHeaderTimeout(request(), options.timeoutMs, options.signal);
      return {
        status: response.status,
        response,
        discard: async () => {
          await response.body?.cancel();
        },
        refusal: () => readRefusal(response.text()),
      };
    },
    options,
  );
  return answer.response;
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
export async function readRefusal(text: Promise<string>): Promise<unknown> {
  const body = await text.catch(() => '');
  try {
    return JSON.parse(body);
  } catch {
    return body.slice(0, 500) || null;
  }
}
