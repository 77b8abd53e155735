import { z } from 'zod';

/** Samplers the engine implements. SDXL uses the first three, WAN the flow-matching pair. */
export const SchedulerName = z.enum(['euler', 'euler_a', 'dpmpp_2m_karras', 'flow_euler', 'unipc_flow']);
export type SchedulerName = z.infer<typeof SchedulerName>;
