/** Reads a real `GET /v1/events` stream over HTTP, as a browser's EventSource would. */
export interface OpenStream {
  status: number;
  /** Everything received so far. */
  text(): string;
  /** Resolves once the server has ended the stream. */
  ended: Promise<void>;
  isEnded(): boolean;
  /** The JSON body of a refused (non-200) answer. */
  json(): Promise<unknown>;
  stop(): Promise<void>;
}

export async function openEventStream(baseUrl: string, token: string): Promise<OpenStream> {
  const controller = new AbortController();
  const response = await fetch(`${baseUrl}/v1/events?access_token=${encodeURIComponent(token)}`, {
    signal: controller.signal,
  });
  let text = '';
  let ended = false;
  if (response.status !== 200) {
    const body = await response.text();
    return {
      status: response.status,
      text: () => body,
      ended: Promise.resolve(),
      isEnded: () => true,
      json: async () => JSON.parse(body),
      stop: async () => {},
    };
  }
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  const reading = (async () => {
    try {
      while (true) {
        const { value, done } = await reader.read();
        if (done) break;
        text += decoder.decode(value, { stream: true });
      }
      ended = true;
    } catch {
      // Aborted by stop().
    }
  })();
  return {
    status: response.status,
    text: () => text,
    ended: reading,
    isEnded: () => ended,
    json: async () => undefined,
    stop: async () => {
      controller.abort();
      await reading;
    },
  };
}
