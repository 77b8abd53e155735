/**
 * Completing a protocol task with a resolved output, in one transaction: the task row (the
 * generation trigger fires, the reservation is settled) and, for tasks that yield a generation,
 * the image or video row. Then the tasks that were waiting on it are enqueued.
 */
import { completeTask, recordImage, recordVideo, type Task } from '@gpuq/db';
import { taskOutputSpec } from '@gpuq/job-types';
import type { ResolvedOutput } from '../output/resolve-output.js';
import type { Scope } from '../scope.js';
import type { RouteContext } from '../settings.js';
import { enqueueReadyDependants } from './dispatch.js';

const numberParam = (task: Task, name: string) => {
  const value = task.params[name];
  return typeof value === 'number' ? value : null;
};

export async function completeWithOutput(
  ctx: Pick<RouteContext, 'db' | 'enqueue' | 'logger'>,
  scope: Scope,
  task: Task,
  output: ResolvedOutput,
): Promise<Task> {
  const spec = taskOutputSpec(task.taskType);
  const completed = await ctx.db.transaction(async (tx) => {
    const done = await completeTask(tx, {
      taskId: task.id,
      outputLocation: output.outputLocation,
      thumbnailUrl: output.thumbnailUrl,
      result: { outputs: output.outputs },
      userId: scope.userId,
    });
    const main = output.outputs[0];
    // A repeated completion returns the task unchanged: its asset row exists already.
    if (spec.producesGeneration && main && task.status !== 'Complete') {
      const poster = output.outputs.find((item) => item.kind === 'poster');
      const common = {
        taskId: task.id,
        storagePath: main.path,
        url: output.outputLocation,
        prompt: typeof task.params.prompt === 'string' ? task.params.prompt : null,
        width: numberParam(task, 'width'),
        height: numberParam(task, 'height'),
        seed: numberParam(task, 'seed'),
      };
      if (main.kind === 'video') {
        await recordVideo(tx, { ...common, posterUrl: poster?.path ?? null, fps: numberParam(task, 'fps') });
      } else {
        await recordImage(tx, { ...common, thumbnailUrl: output.thumbnailUrl });
      }
    }
    return done;
  });
  await enqueueReadyDependants(ctx, completed.id);
  return completed;
}
