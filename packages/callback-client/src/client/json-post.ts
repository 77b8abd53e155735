/**
 * The signed service requests (callbacks, storage-URL requests) as JSON POSTs through undici's
 * `request`, not `fetch`: a worker sends two or more per job, and `fetch` builds WHATWG Request,
 * Response, Headers and AbortSignal objects around each (measured on the 2-core bench machine:
 * about 3x the CPU per request of `request` for the same small POST). Keep-alive connections come
 * from one undici Agent per client (its idle sockets keep no process alive); `timeoutMs` bounds each attempt until the answer's headers.
 */
import { Agent, request } from 'undici';
import { type RetryPolicy, readRefusal, retrying } from './retrying-fetch.js';

export interface JsonPost {
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface JsonPoster {
  /** Sends `build()` (rebuilt per attempt) until a final answer; the successful one's JSON body, or null. */
  post(
    target: string,
    build: () => JsonPost,
    options: { policy: RetryPolicy; timeoutMs: number; signal?: AbortSignal },
  ): Promise<unknown>;
}

export function createJsonPoster(): JsonPoster {
  const agent = new Agent();
  return {
    async post(target, build, options) {
      const answer = await retrying(
        target,
        async () => {
          const { url, headers, body } = build();
          const response = await request(url, {
            method: 'POST',
            headers,
            body,
            dispatcher: agent,
            headersTimeout: options.timeoutMs,
            ...(options.signal ? { signal: options.signal } : {}),
          });
          return {
            status: response.statusCode,
            body: response.body,
            discard: () => response.body.dump(),
            refusal: () => readRefusal(response.body.text()),
          };
        },
        options,
      );
      return answer.body.json().catch(() => null);
    },
  };
}
