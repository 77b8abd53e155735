/**
 * The demo's travel: a travel_orchestrator created through the task protocol, expanded into three
 * chained segments and a stitch that our WAN fleet renders and joins (crossfaded overlaps), read
 * back as one job record. Returns that record, or null when it did not finish in time.
 */
const TERMINAL = new Set(['completed', 'failed', 'cancelled']);

export async function runDemoTravel({ apiUrl, headers, timeoutMs }) {
  const project = await call(apiUrl, '/v1/projects', headers, { name: 'demo travel' });
  const created = await fetch(`${apiUrl}/functions/v1/create-task`, {
    method: 'POST',
    headers,
    body: JSON.stringify({
      task_type: 'travel_orchestrator',
      project_id: project.project.id,
      params: {
        orchestrator_details: {
          base_prompts_expanded: ['a harbour at dawn', 'the same harbour at noon', 'the harbour at dusk'],
          segment_frames_expanded: [17, 17, 17],
          frame_overlap_expanded: [4, 4],
          parsed_resolution_wh: '832x480',
          seed_base: 42,
        },
      },
    }),
  });
  if (!created.ok) throw new Error(`create-task answered ${created.status}: ${await created.text()}`);
  const id = created.headers.get('x-task-id');
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const { job } = await (await fetch(`${apiUrl}/v1/jobs/${id}`, { headers })).json();
    if (TERMINAL.has(job.status)) return job;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return null;
}

async function call(apiUrl, path, headers, body) {
  const response = await fetch(`${apiUrl}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`${path} answered ${response.status}: ${await response.text()}`);
  return response.json();
}
