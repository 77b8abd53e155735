/**
 * The stored outputs of tasks, written by the callback service: image and video rows (with the
 * 7B enhancer's prompt), linked to the task's generation when the trigger has made it.
 * Owner and project are copied from the task, so a caller cannot file an asset under another user.
 */
import type { Queryable } from '../database/database.js';
import { queryCamel, queryOne } from '../database/run-query.js';

interface AssetInput {
  taskId: string;
  /** `<userId>/<...>` in the bucket. */
  storagePath?: string | null;
  url?: string | null;
  prompt?: string | null;
  enhancedPrompt?: string | null;
  width?: number | null;
  height?: number | null;
  seed?: number | null;
  metadata?: Record<string, unknown>;
}

export interface ImageInput extends AssetInput {
  thumbnailUrl?: string | null;
}

export interface VideoInput extends AssetInput {
  posterUrl?: string | null;
  frames?: number | null;
  fps?: number | null;
}

export interface Asset {
  id: string;
  userId: string;
  projectId: string;
  taskId: string | null;
  generationId: string | null;
  storagePath: string | null;
  url: string | null;
  prompt: string | null;
  enhancedPrompt: string | null;
  createdAt: Date;
}

const FROM_TASK = `from public.tasks t where t.id = $1`;
const GENERATION = `(select g.id from public.generations g where g.task_id = t.id)`;

/** A missing task inserts nothing and throws DatabaseError. */
export async function recordImage(db: Queryable, input: ImageInput): Promise<Asset> {
  return queryOne<Asset>(
    db,
    `insert into public.images (user_id, project_id, task_id, generation_id, storage_path, url, thumbnail_url,
                                prompt, enhanced_prompt, width, height, seed, metadata)
     select t.user_id, t.project_id, t.id, ${GENERATION}, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb
     ${FROM_TASK}
     returning id, user_id, project_id, task_id, generation_id, storage_path, url, prompt, enhanced_prompt, created_at`,
    [
      input.taskId,
      input.storagePath ?? null,
      input.url ?? null,
      input.thumbnailUrl ?? null,
      input.prompt ?? null,
      input.enhancedPrompt ?? null,
      input.width ?? null,
      input.height ?? null,
      input.seed ?? null,
      JSON.stringify(input.metadata ?? {}),
    ],
  );
}

export async function recordVideo(db: Queryable, input: VideoInput): Promise<Asset> {
  return queryOne<Asset>(
    db,
    `insert into public.videos (user_id, project_id, task_id, generation_id, storage_path, url, poster_url,
                                prompt, enhanced_prompt, width, height, frames, fps, seed, metadata)
     select t.user_id, t.project_id, t.id, ${GENERATION}, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::jsonb
     ${FROM_TASK}
     returning id, user_id, project_id, task_id, generation_id, storage_path, url, prompt, enhanced_prompt, created_at`,
    [
      input.taskId,
      input.storagePath ?? null,
      input.url ?? null,
      input.posterUrl ?? null,
      input.prompt ?? null,
      input.enhancedPrompt ?? null,
      input.width ?? null,
      input.height ?? null,
      input.frames ?? null,
      input.fps ?? null,
      input.seed ?? null,
      JSON.stringify(input.metadata ?? {}),
    ],
  );
}

export interface Generation {
  id: string;
  taskId: string | null;
  projectId: string;
  userId: string;
  type: 'image' | 'video';
  location: string | null;
  thumbnailUrl: string | null;
  params: Record<string, unknown>;
  createdAt: Date;
}

/** The generation a task produced, if any. */
export async function getGenerationForTask(db: Queryable, taskId: string): Promise<Generation | null> {
  const [generation] = await queryCamel<Generation>(
    db,
    `select id, task_id, project_id, user_id, type, location, thumbnail_url, params, created_at
       from public.generations where task_id = $1`,
    [taskId],
  );
  return generation ?? null;
}
