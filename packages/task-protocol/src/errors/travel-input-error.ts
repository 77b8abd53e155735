/**
 * A travel task whose inputs cannot be resolved: a stitch that is not a claimed travel_stitch, a
 * segment it reads that is not Complete, a segment output that is not in this system's storage,
 * or params that are not a segment's or a stitch's. Not worth retrying: the task is failed with
 * this message (which stops the travel and refunds what did not run).
 */
import { TaskInputError } from './task-input-error.js';

export class TravelInputError extends TaskInputError {
  override readonly name = 'TravelInputError';
}
