import { native } from './native.js';

/**
 * A GPUQ_DEVICE value with the outcome of this process's device self-check, for a worker's model
 * description (its start-up log line): `cuda; device self-check on cuda:0 …: passed (…)`, or the
 * value alone while every load ran on the CPU.
 */
export function describeDevice(device: string): string {
  const check = native().deviceSelfCheck();
  return check ? `${device}; ${check.summary}` : device;
}
