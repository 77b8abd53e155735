-- task_types: the registry of task types create-task accepts, as data. A row says how a type runs
-- (run_type: a GPU or an API-only pull-worker), what it is (category, content_type), what it costs,
-- and whether our own BullMQ fleet runs it (fleet_queue) or it waits for pull-workers, which claim
-- it over HTTP (claim-next-task). Admins add types with `pnpm task-types add` (packages/db
-- src/cli/task-types.ts), not with a migration.
--
-- Billing follows the reference frontend's task_types (banodoco/Reigh, supabase/migrations
-- 20250203200000_create_task_types_with_run_type.sql and 20250203210000_add_billing_types_to_task_types.sql):
--   per_unit    unit_cost credits per task
--   per_second  base_cost_per_second credits per second of run time
-- Reigh charges after the run from its measured duration; gpuq reserves at create time, so a
-- per_second type also names reserve_seconds, the run time its reservation pays for. A task
-- reserves ceil(unit_cost) or ceil(base_cost_per_second * reserve_seconds) whole credits. One
-- credit is one unit of Reigh's cost columns: Reigh's 0.0278 per second over our video_fast's
-- expected 180 s is 5 credits, video_fast's own price.
--
-- built_in rows are the four protocol types gpuq's code knows (packages/job-types
-- task-catalog.ts): their params are checked and priced by that code, and only they may name a
-- fleet_queue (our workers run only what they have code for). Queue-job types are not task types
-- of create-task and cannot be registered here.
--
-- RLS: readable by every signed-in user (the frontend reads it through PostgREST), written only
-- by the service role (the command runs as the database owner).

-- The name check below runs as whoever writes the row: only the service (and the owner) may.
create function private.is_queue_job_type(p_name text) returns boolean
language sql immutable security definer
set search_path = ''
as $$
  select p_name = any (private.queue_job_types())
$$;
revoke all on function private.is_queue_job_type(text) from public, anon, authenticated;
grant execute on function private.is_queue_job_type(text) to service_role;

create table public.task_types (
  name text primary key check (name ~ '^[a-z0-9_]{1,64}$' and not private.is_queue_job_type(name)),
  run_type text not null default 'gpu' check (run_type in ('gpu', 'api')),
  category text not null check (category in ('generation', 'processing', 'orchestration', 'utility')),
  content_type text check (content_type in ('image', 'video')),
  display_name text not null check (pg_catalog.length(display_name) between 1 and 200),
  description text check (pg_catalog.length(description) <= 2000),
  billing_type text not null default 'per_unit' check (billing_type in ('per_unit', 'per_second')),
  unit_cost numeric(12, 6) not null default 0 check (unit_cost >= 0 and unit_cost <= 100000),
  base_cost_per_second numeric(12, 6) not null default 0
    check (base_cost_per_second >= 0 and base_cost_per_second <= 1000),
  reserve_seconds integer not null default 0 check (reserve_seconds between 0 and 86400),
  fleet_queue text check (fleet_queue in ('sdxl_queue', 'wan_queue')),
  built_in boolean not null default false,
  is_active boolean not null default true,
  -- Where the row came from: a reference it was seeded from, or who added it.
  source text not null check (pg_catalog.length(source) between 1 and 200),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint task_types_fleet_runs_built_ins_only check (fleet_queue is null or built_in)
);

create trigger task_types_set_updated_at before update on public.task_types
  for each row execute function private.set_updated_at();

alter table public.task_types enable row level security;

revoke all on table public.task_types from anon, authenticated;
grant select on table public.task_types to authenticated;
grant all on table public.task_types to service_role;

create policy "task_types: signed-in users read every type"
  on public.task_types for select to authenticated
  using (true);

-- gpuq's four protocol types: priced by code (pricing.ts over the queue-job presets); the billing
-- columns here show their least price.
insert into public.task_types
  (name, run_type, category, content_type, display_name, description, billing_type, unit_cost,
   fleet_queue, built_in, source)
values
  ('single_image', 'gpu', 'generation', 'image', 'Image Generation',
   'One image on the SDXL fleet; priced by its size, steps and count', 'per_unit', 1,
   'sdxl_queue', true, 'gpuq'),
  ('travel_orchestrator', 'gpu', 'orchestration', 'video', 'Travel Between Images',
   'Expanded by the api into its segments and stitch, which carry the cost', 'per_unit', 0,
   null, true, 'gpuq'),
  ('travel_segment', 'gpu', 'processing', 'video', 'Video Segment Generation',
   'One travel segment on the WAN fleet; priced by its size, frames and steps', 'per_unit', 5,
   'wan_queue', true, 'gpuq'),
  ('travel_stitch', 'gpu', 'generation', 'video', 'Travel Stitch',
   'Stitches a travel''s segments into its video', 'per_unit', 1, 'wan_queue', true, 'gpuq');

-- The reference frontend's types, values as its migrations set them (banodoco/Reigh
-- supabase/migrations/*_add_*_task_type.sql and 20250712000000_create_task_cost_configs.sql with
-- 20250203210000_add_billing_types_to_task_types.sql). Orchestrators reserve nothing: like
-- travel_orchestrator, their child tasks each reserve their own run (Reigh bills the parent for
-- the children's time instead). wan_2_2_t2i, qwen_image_edit and magic_edit appear in Reigh's
-- migrations by name only (20250902140000_add_tool_type_column_to_task_types.sql); they take
-- Reigh's per-unit prices of their kin (get_task_cost's default 0.025 per image, image_edit's 0.030).
insert into public.task_types
  (name, run_type, category, content_type, display_name, description, billing_type, unit_cost,
   base_cost_per_second, reserve_seconds, source)
values
  ('animate_character', 'api', 'generation', 'video', 'Character Animate',
   'Animate static character images using motion from reference videos with Wan2.2-Animate',
   'per_unit', 0.2, 0, 0, 'reigh'),
  ('join_clips_segment', 'gpu', 'generation', 'video', 'Join Clips Segment',
   'Individual join segment generation (part of join clips orchestrator workflow)',
   'per_second', 0, 0.0278, 180, 'reigh'),
  ('join_clips_orchestrator', 'gpu', 'orchestration', 'video', 'Join Clips',
   'Orchestrate multi-clip joining workflow with per-join settings and AI-generated transitions',
   'per_second', 0, 0.0278, 0, 'reigh'),
  ('join_final_stitch', 'gpu', 'generation', 'video', 'Join Final Stitch',
   'Final stitching step that combines all join segment outputs into the complete video',
   'per_second', 0, 0.005, 60, 'reigh'),
  ('wan_2_2_i2v', 'gpu', 'generation', 'video', 'WAN 2.2 Image to Video',
   'Image to video generation using WAN 2.2 model', 'per_second', 0, 0.01, 180, 'reigh'),
  ('individual_travel_segment', 'gpu', 'generation', 'video', 'Travel Segment',
   'Individual segment regeneration triggered from segment details view',
   'per_second', 0, 0.0278, 180, 'reigh'),
  ('edit_video_orchestrator', 'gpu', 'orchestration', 'video', 'Edit Video',
   'Regenerate selected portions of a video with AI-generated content',
   'per_second', 0, 0.0278, 0, 'reigh'),
  ('edit_video_segment', 'gpu', 'processing', 'video', 'Edit Video Segment',
   'Regenerate a single portion of a video (part of edit video workflow)',
   'per_second', 0, 0.0278, 180, 'reigh'),
  ('qwen_image', 'api', 'generation', 'image', 'Qwen Image',
   'Generate images using Qwen Image model', 'per_unit', 0.039, 0, 0, 'reigh'),
  ('qwen_image_2512', 'api', 'generation', 'image', 'Qwen Image 2512',
   'Generate high-resolution (2512) images using Qwen Image model', 'per_unit', 0.026, 0, 0, 'reigh'),
  ('qwen_image_style', 'api', 'generation', 'image', 'Qwen.Image Style Generation',
   'Generate images using Qwen.Image model with style reference guidance',
   'per_unit', 0.030, 0, 0, 'reigh'),
  ('z_image_turbo', 'api', 'generation', 'image', 'Z Image Turbo',
   'Fast image generation using Z Image Turbo model', 'per_unit', 0.0065, 0, 0, 'reigh'),
  ('z_image_turbo_i2i', 'api', 'generation', 'image', 'Z Image Turbo I2I',
   'Image-to-image generation using Z Image Turbo model', 'per_unit', 0.0065, 0, 0, 'reigh'),
  ('image_upscale', 'api', 'processing', 'image', 'Image Upscale',
   'Upscale image to higher resolution using AI', 'per_unit', 0.0015, 0, 0, 'reigh'),
  ('image_inpaint', 'api', 'processing', 'image', 'Image Inpaint',
   'Generate new content in masked areas of images using AI', 'per_unit', 0.002, 0, 0, 'reigh'),
  ('annotated_image_edit', 'api', 'processing', 'image', 'Annotated Image Edit',
   'Generate new content based on annotated regions on images using AI',
   'per_unit', 0.002, 0, 0, 'reigh'),
  ('image_edit', 'gpu', 'generation', 'image', 'Image Editing',
   'Edit and modify existing images using AI', 'per_unit', 0.030, 0, 0, 'reigh'),
  ('lora_training', 'gpu', 'processing', null, 'LoRA Training',
   'Train custom LoRA models for personalized generation', 'per_unit', 2.50, 0, 0, 'reigh'),
  ('edit_travel_kontext', 'gpu', 'generation', 'image', 'Edit Travel (Kontext)',
   'Edit travel sequences using Kontext model', 'per_unit', 0.050, 0, 0, 'reigh'),
  ('edit_travel_flux', 'gpu', 'generation', 'image', 'Edit Travel (Flux)',
   'Edit travel sequences using Flux model', 'per_unit', 0.050, 0, 0, 'reigh'),
  ('wan_2_2_t2i', 'gpu', 'generation', 'image', 'WAN 2.2 Text to Image',
   'Text to image with WAN 2.2', 'per_unit', 0.025, 0, 0, 'reigh'),
  ('qwen_image_edit', 'gpu', 'generation', 'image', 'Qwen Image Edit',
   'Edit an image with Qwen Image Edit', 'per_unit', 0.030, 0, 0, 'reigh'),
  ('magic_edit', 'gpu', 'generation', 'image', 'Magic Edit',
   'Edit an image from a prompt', 'per_unit', 0.030, 0, 0, 'reigh');

-- The pull-worker's own types (peteromallet/Headless-Wan2GP source/task_registry.py: its handlers
-- and DIRECT_QUEUE_TASK_TYPES; `wgp` is the upscale task its travel stitch creates,
-- source/sm_functions/travel_between_images.py). No reference price exists for them: they take
-- Reigh's price for a type it has no row for (calculate-task-cost's default, 0.01 per second),
-- with a video segment's 180 s reserved for model runs and 60 s for utilities.
insert into public.task_types
  (name, run_type, category, content_type, display_name, description, billing_type,
   base_cost_per_second, reserve_seconds, source)
values
  ('wgp', 'gpu', 'processing', 'video', 'Wan2GP Generation', 'A direct Wan2GP run (the stitch''s upscale)',
   'per_second', 0.01, 180, 'headless-wan2gp'),
  ('vace', 'gpu', 'generation', 'video', 'VACE', 'Wan2GP VACE generation', 'per_second', 0.01, 180, 'headless-wan2gp'),
  ('vace_21', 'gpu', 'generation', 'video', 'VACE 2.1', 'Wan2GP VACE 2.1 generation', 'per_second', 0.01, 180, 'headless-wan2gp'),
  ('vace_22', 'gpu', 'generation', 'video', 'VACE 2.2', 'Wan2GP VACE 2.2 generation', 'per_second', 0.01, 180, 'headless-wan2gp'),
  ('flux', 'gpu', 'generation', 'image', 'Flux', 'Wan2GP Flux image generation', 'per_second', 0.01, 180, 'headless-wan2gp'),
  ('t2v', 'gpu', 'generation', 'video', 'Text to Video', 'Wan2GP text to video', 'per_second', 0.01, 180, 'headless-wan2gp'),
  ('t2v_22', 'gpu', 'generation', 'video', 'Text to Video 2.2', 'Wan2GP 2.2 text to video', 'per_second', 0.01, 180, 'headless-wan2gp'),
  ('i2v', 'gpu', 'generation', 'video', 'Image to Video', 'Wan2GP image to video', 'per_second', 0.01, 180, 'headless-wan2gp'),
  ('i2v_22', 'gpu', 'generation', 'video', 'Image to Video 2.2', 'Wan2GP 2.2 image to video', 'per_second', 0.01, 180, 'headless-wan2gp'),
  ('hunyuan', 'gpu', 'generation', 'video', 'Hunyuan', 'Wan2GP Hunyuan video', 'per_second', 0.01, 180, 'headless-wan2gp'),
  ('ltxv', 'gpu', 'generation', 'video', 'LTX Video', 'Wan2GP LTX video', 'per_second', 0.01, 180, 'headless-wan2gp'),
  ('generate_video', 'gpu', 'generation', 'video', 'Generate Video', 'Wan2GP video generation', 'per_second', 0.01, 180, 'headless-wan2gp'),
  ('qwen_image_hires', 'gpu', 'generation', 'image', 'Qwen Image Hires', 'Qwen image with a high-resolution pass', 'per_second', 0.01, 180, 'headless-wan2gp'),
  ('inpaint_frames', 'gpu', 'processing', 'video', 'Inpaint Frames', 'Regenerate a range of a video''s frames', 'per_second', 0.01, 180, 'headless-wan2gp'),
  ('create_visualization', 'gpu', 'utility', 'video', 'Create Visualization', 'A visualization of a travel''s inputs and output', 'per_second', 0.01, 60, 'headless-wan2gp'),
  ('extract_frame', 'gpu', 'utility', 'image', 'Extract Frame', 'One frame of a video as an image', 'per_second', 0.01, 60, 'headless-wan2gp'),
  ('rife_interpolate_images', 'gpu', 'processing', 'video', 'RIFE Interpolation', 'Frames interpolated between two images', 'per_second', 0.01, 60, 'headless-wan2gp'),
  ('comfy', 'gpu', 'generation', null, 'ComfyUI Workflow', 'A ComfyUI workflow run by the worker', 'per_second', 0.01, 180, 'headless-wan2gp');
