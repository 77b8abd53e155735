/**
 * Logs the store going down and coming back, without a line per request: while it is down, one
 * warning per interval carries the number of requests let through since the last one.
 */
import type { Logger } from '@gpuq/logger';

export class StoreHealth {
  private down = false;
  private lastWarnAt = Number.NEGATIVE_INFINITY;
  private unlimited = 0;

  constructor(
    private readonly logger: Logger | undefined,
    private readonly storeKind: string,
    private readonly warnEveryMs: number,
  ) {}

  failed(error: unknown): void {
    this.down = true;
    this.unlimited += 1;
    const now = Date.now();
    if (now - this.lastWarnAt < this.warnEveryMs) return;
    this.lastWarnAt = now;
    this.logger?.warn(
      { err: error, store: this.storeKind, unlimitedRequests: this.unlimited },
      'rate limit store unavailable: letting requests through unlimited (fail-open)',
    );
    this.unlimited = 0;
  }

  succeeded(): void {
    if (!this.down) return;
    this.down = false;
    this.lastWarnAt = Number.NEGATIVE_INFINITY;
    this.logger?.info({ store: this.storeKind }, 'rate limit store reachable again: limits enforced');
    this.unlimited = 0;
  }
}
