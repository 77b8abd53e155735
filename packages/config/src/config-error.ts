/** A start-up error that names every missing or malformed setting at once. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';

  constructor(
    readonly app: string,
    readonly problems: readonly string[],
  ) {
    super(`${app}: invalid configuration\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
  }
}
