/**
 * The account routes' contracts (`/v1/projects`, `/v1/tokens`), the job routes' answers and the
 * admin image's: one schema each, used by the routes and by the OpenAPI document.
 */
import { z } from 'zod';
import { JobRecord } from './job-record.js';
import { Prompt } from './queue-job.js';

const DAY_MS = 24 * 3600 * 1000;
/** The longest a personal access token may live. */
export const MAX_TOKEN_DAYS = 3650;

/** `GET /v1/jobs/{id}`, `POST /v1/jobs/{id}/cancel`. */
export const JobResponse = z.object({ job: JobRecord }).meta({ id: 'JobResponse' });
export type JobResponse = z.infer<typeof JobResponse>;

export const NewProjectRequest = z
  .object({ name: z.string().trim().min(1).max(200) })
  .meta({ id: 'NewProjectRequest' });

/** `GET /v1/projects` query: a keyset page. */
export const ProjectsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  /** The `nextCursor` of the previous page. */
  cursor: z.string().min(1).max(200).optional(),
});

export const ProjectView = z
  .object({
    id: z.uuid(),
    name: z.string(),
    isDefault: z.boolean(),
    createdAt: z.iso.datetime({ offset: true }),
  })
  .meta({ id: 'Project' });
export type ProjectView = z.infer<typeof ProjectView>;

export const ProjectResponse = z.object({ project: ProjectView }).meta({ id: 'ProjectResponse' });

export const ProjectPage = z
  .object({ projects: z.array(ProjectView), nextCursor: z.string().nullable() })
  .meta({ id: 'ProjectPage' });

/** What a personal access token may reach; the one list of scope names (auth and db use it). */
export const TokenScopeName = z.enum(['all', 'tasks', 'jobs']);
export type TokenScopeName = z.infer<typeof TokenScopeName>;

export const NewTokenRequest = z
  .object({
    name: z.string().trim().max(200).default(''),
    /** `tasks`: a pull-worker's; `jobs`: an app's; `all` (default): both, as tokens always were. */
    scope: TokenScopeName.default('all'),
    expiresAt: z.iso
      .datetime({ offset: true })
      .refine((at) => Date.parse(at) > Date.now(), 'must be in the future')
      .refine(
        (at) => Date.parse(at) <= Date.now() + MAX_TOKEN_DAYS * DAY_MS,
        `must be within ${MAX_TOKEN_DAYS} days`,
      )
      .optional(),
    expiresInDays: z.number().int().min(1).max(MAX_TOKEN_DAYS).optional(),
  })
  .refine((body) => body.expiresAt === undefined || body.expiresInDays === undefined, {
    message: 'give expiresAt or expiresInDays, not both',
    path: ['expiresInDays'],
  })
  .meta({ id: 'NewTokenRequest' });

const Instant = z.iso.datetime({ offset: true });

/** Everything about a token but its secret (and its hash). */
export const TokenView = z
  .object({
    id: z.uuid(),
    name: z.string(),
    /** The first characters of the secret, to tell tokens apart. */
    prefix: z.string(),
    scope: TokenScopeName,
    createdAt: Instant,
    lastUsedAt: Instant.nullable(),
    expiresAt: Instant.nullable(),
    revokedAt: Instant.nullable(),
  })
  .meta({ id: 'Token' });
export type TokenView = z.infer<typeof TokenView>;

/** The only answer that carries the secret: shown once, stored only as a hash. */
export const NewTokenResponse = TokenView.extend({ token: z.string() }).meta({ id: 'NewTokenResponse' });

export const TokenList = z.object({ tokens: z.array(TokenView) }).meta({ id: 'TokenList' });

export const AdminImageRequest = z
  .object({
    prompt: Prompt.refine((text) => text.trim().length > 0, 'must not be empty'),
    mode: z.enum(['fast', 'high']).default('fast'),
    metadata: z.record(z.string(), z.unknown()).optional(),
  })
  .meta({ id: 'AdminImageRequest' });

/** 200 with `image` once the image exists; 202 with `job` when the wait ran out first. */
export const AdminImageResponse = z
  .object({
    success: z.literal(true),
    image: z
      .object({
        id: z.uuid(),
        url: z.string().nullable(),
        thumbnail_url: z.string().nullable(),
        prompt: z.string(),
        mode: z.enum(['fast', 'high']),
        timestamp: Instant.nullable(),
        metadata: z.record(z.string(), z.unknown()),
      })
      .optional(),
    job: JobRecord.optional(),
  })
  .meta({ id: 'AdminImageResponse' });
