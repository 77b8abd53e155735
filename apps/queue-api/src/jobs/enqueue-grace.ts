/**
 * How long after its commit a task's own request may still be adding its job to the queue. The
 * reconciler leaves younger tasks alone, and a younger task whose job is in no line yet is shown
 * last in line rather than counted.
 */
export const ENQUEUE_GRACE_SECONDS = 5;
