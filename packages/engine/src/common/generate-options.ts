/** What every generation call accepts besides its request: cancellation and progress. */
export interface GenerateProgress {
  readonly step: number;
  readonly total: number;
}

export interface GenerateOptions {
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: GenerateProgress) => void;
}
