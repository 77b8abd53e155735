/**
 * Picks the backend from one options object, so an app's `env.ts` decides once (local unless a
 * Supabase project is configured) and everything else sees only `Storage`.
 */
import { LocalFileStorage, type LocalFileStorageOptions } from './local/local-file-storage.js';
import type { Storage } from './storage.js';
import { SupabaseStorage, type SupabaseStorageOptions } from './supabase/supabase-storage.js';

export type StorageBackendOptions =
  | ({ backend: 'local' } & LocalFileStorageOptions)
  | ({ backend: 'supabase' } & SupabaseStorageOptions);

export function createStorage(options: StorageBackendOptions): Storage {
  return options.backend === 'local' ? new LocalFileStorage(options) : new SupabaseStorage(options);
}
