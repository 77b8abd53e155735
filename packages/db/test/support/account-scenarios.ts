/**
 * Profiles, projects, personal access tokens and assets, run on every engine.
 */
import { createHash, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  completeTask,
  createAdminSession,
  createApiToken,
  createProject,
  createProjectWithinLimit,
  createTask,
  type Database,
  DatabaseError,
  deleteProject,
  ensureDefaultProject,
  ensureProfile,
  findApiToken,
  findLiveAdminSession,
  getProfile,
  getProject,
  grantAdmin,
  grantCredits,
  listApiTokens,
  listLedger,
  listProjects,
  listProjectsPage,
  PerUserLimitError,
  ProfileNotFoundError,
  recordImage,
  recordVideo,
  renameProject,
  revokeAdminSession,
  revokeApiToken,
} from '../../src/index.js';
import { newUser } from './databases.js';

export function defineAccountScenarios(engine: string, getDb: () => Database): void {
  describe(`accounts on ${engine}`, () => {
    it('creates a profile once, with the sign-up credits on the ledger', async () => {
      const db = getDb();
      const userId = randomUUID();
      const first = await ensureProfile(db, { userId, signupCredits: 100 });
      const again = await ensureProfile(db, { userId, signupCredits: 500 });
      expect(first).toMatchObject({ id: userId, credits: 100, role: 'user' });
      expect(again.credits).toBe(100);
      expect((await listLedger(db, { userId })).map((row) => [row.kind, row.amount])).toEqual([
        ['signup', 100],
      ]);
    });

    it('gives a user who signs up in auth.users a profile (the Supabase path)', async () => {
      const db = getDb();
      const userId = randomUUID();
      await db.query('insert into auth.users (id, email) values ($1, $2)', [userId, 'new@example.com']);
      expect(await getProfile(db, userId)).toMatchObject({ credits: 100, role: 'user' });
    });

    it('grants admin (creating the profile) and credits, never below zero', async () => {
      const db = getDb();
      const userId = randomUUID();
      expect(await grantAdmin(db, { userId, signupCredits: 7 })).toMatchObject({ role: 'admin', credits: 7 });
      expect((await grantCredits(db, { userId, amount: 3, note: 'promo' })).credits).toBe(10);
      await expect(grantCredits(db, { userId, amount: -11 })).rejects.toMatchObject({ code: '23514' });
      await expect(grantCredits(db, { userId: randomUUID(), amount: 1 })).rejects.toBeInstanceOf(
        ProfileNotFoundError,
      );
    });

    it('keeps one default project per user and scopes project calls to their owner', async () => {
      const db = getDb();
      const user = await newUser(db);
      const other = await newUser(db);
      expect((await ensureDefaultProject(db, { userId: user.userId })).id).toBe(user.projectId);
      const project = await createProject(db, { userId: user.userId, name: 'Trailer' });
      expect(project).toMatchObject({ name: 'Trailer', isDefault: false });
      // Sorted: both rows may share a creation tick, and then their order is by id.
      expect((await listProjects(db, { userId: user.userId })).map((p) => p.id).sort()).toEqual(
        [user.projectId, project.id].sort(),
      );
      expect(await getProject(db, { projectId: project.id, userId: other.userId })).toBeNull();
      expect(await renameProject(db, { projectId: project.id, userId: other.userId, name: 'x' })).toBeNull();
      expect(
        (await renameProject(db, { projectId: project.id, userId: user.userId, name: 'Teaser' }))?.name,
      ).toBe('Teaser');
      expect(await deleteProject(db, { projectId: project.id, userId: other.userId })).toBe(false);
      expect(await deleteProject(db, { projectId: project.id, userId: user.userId })).toBe(true);
    });

    it('stores only the hash of a personal access token, finds it by value and revokes it', async () => {
      const db = getDb();
      const user = await newUser(db);
      const { token, record } = await createApiToken(db, { userId: user.userId, name: 'laptop' });
      expect(token).toMatch(/^gpuq_pat_[A-Za-z0-9_-]{43}$/);
      const stored = await db.query<{ token_hash: string }>(
        'select token_hash from public.user_api_tokens where id = $1',
        [record.id],
      );
      expect(stored.rows[0]?.token_hash).toBe(createHash('sha256').update(token).digest('hex'));
      expect(JSON.stringify(stored.rows)).not.toContain(token);
      expect((await findApiToken(db, token))?.userId).toBe(user.userId);
      expect(await findApiToken(db, `${token}x`)).toBeNull();
      expect((await listApiTokens(db, user.userId)).map((t) => t.id)).toEqual([record.id]);
      expect(await revokeApiToken(db, { tokenId: record.id, userId: randomUUID() })).toBe(false);
      expect(await revokeApiToken(db, { tokenId: record.id, userId: user.userId })).toBe(true);
      expect(await findApiToken(db, token)).toBeNull();
    });

    it('scopes, expires, caps and revokes tokens with the tokens minted under them', async () => {
      const db = getDb();
      const user = await newUser(db);
      const parent = await createApiToken(db, { userId: user.userId, scope: 'tasks', maxLiveTokens: 3 });
      expect(parent.record).toMatchObject({ scope: 'tasks', expiresAt: null, parentId: null });
      const child = await createApiToken(db, { userId: user.userId, parentId: parent.record.id });
      const expired = await createApiToken(db, {
        userId: user.userId,
        expiresAt: new Date(Date.now() - 1000),
      });
      expect(await findApiToken(db, expired.token)).toBeNull();
      // The expired one does not count: two live tokens, a third fits, a fourth does not.
      await createApiToken(db, { userId: user.userId, maxLiveTokens: 3 });
      await expect(createApiToken(db, { userId: user.userId, maxLiveTokens: 3 })).rejects.toBeInstanceOf(
        PerUserLimitError,
      );
      expect(await revokeApiToken(db, { tokenId: parent.record.id, userId: user.userId })).toBe(true);
      expect(await findApiToken(db, child.token)).toBeNull();
    });

    it('caps projects per user and pages them by a keyset cursor', async () => {
      const db = getDb();
      const user = await newUser(db);
      for (const name of ['a', 'b'])
        await createProjectWithinLimit(db, { userId: user.userId, name, maxProjects: 3 });
      await expect(
        createProjectWithinLimit(db, { userId: user.userId, name: 'c', maxProjects: 3 }),
      ).rejects.toBeInstanceOf(PerUserLimitError);
      const first = await listProjectsPage(db, { userId: user.userId, limit: 2 });
      expect(first.projects).toHaveLength(2);
      const second = await listProjectsPage(db, { userId: user.userId, limit: 2, after: first.next });
      expect(second).toMatchObject({ projects: [{ name: 'b' }], next: null });
    });

    it('keeps admin sessions server-side: revoked and expired ones are not found', async () => {
      const db = getDb();
      const user = await newUser(db);
      await grantAdmin(db, { userId: user.userId });
      const live = await createAdminSession(db, { userId: user.userId, ttlSeconds: 600 });
      expect(await findLiveAdminSession(db, live.id)).toMatchObject({ userId: user.userId, role: 'admin' });
      expect(await revokeAdminSession(db, live.id)).toBe(true);
      expect(await findLiveAdminSession(db, live.id)).toBeNull();
      const expired = await createAdminSession(db, { userId: user.userId, ttlSeconds: -1 });
      expect(await findLiveAdminSession(db, expired.id)).toBeNull();
      const service = await createAdminSession(db, { userId: null, ttlSeconds: 600 });
      expect(await findLiveAdminSession(db, service.id)).toMatchObject({ userId: null, role: null });
    });

    it("records image and video assets under the task's owner, linked to its generation", async () => {
      const db = getDb();
      const user = await newUser(db);
      const image = (await createTask(db, { ...user, taskType: 'image7b_fast_enhanced' })).task;
      await completeTask(db, { taskId: image.id, outputLocation: `${user.userId}/i.png` });
      const asset = await recordImage(db, {
        taskId: image.id,
        storagePath: `${user.userId}/i.png`,
        prompt: 'cat',
        enhancedPrompt: 'a photorealistic cat',
        seed: 4_294_967_295,
      });
      expect(asset).toMatchObject({
        userId: user.userId,
        projectId: user.projectId,
        enhancedPrompt: 'a photorealistic cat',
      });
      expect(asset.generationId).not.toBeNull();
      const video = (await createTask(db, { ...user, taskType: 'video_fast' })).task;
      expect((await recordVideo(db, { taskId: video.id, frames: 81, fps: 16 })).generationId).toBeNull();
      await expect(recordImage(db, { taskId: randomUUID() })).rejects.toBeInstanceOf(DatabaseError);
    });
  });
}
