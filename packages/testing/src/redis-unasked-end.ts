/**
 * Ends an ioredis connection the way ioredis ends one by itself: a reconnect asked for while the
 * client is connecting closes its connector, the pending connect fails and the client goes to
 * status `end`, from which plain ioredis never reconnects. Tests of what recovers from that use it.
 */

/** What this needs of an ioredis client (Redis or Cluster), without depending on ioredis. */
export interface EndableRedisClient {
  once(event: 'end' | 'connecting', listener: () => void): unknown;
  disconnect(reconnect?: boolean): void;
}

export async function endRedisUnasked(client: EndableRedisClient): Promise<void> {
  const ended = new Promise<void>((resolve) => client.once('end', () => resolve()));
  client.once('connecting', () => client.disconnect(true));
  client.disconnect(true);
  await ended;
}
