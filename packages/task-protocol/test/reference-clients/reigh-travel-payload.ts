/**
 * The create-task body Reigh's travel tool sends (banodoco/Reigh
 * src/shared/lib/tasks/travelBetweenImages.ts: buildTravelBetweenImagesPayload, lines 654-712,
 * and createTravelBetweenImagesTask, lines 1019-1029), key for key, with the defaults of its
 * DEFAULT_TRAVEL_BETWEEN_IMAGES_VALUES (lines 549-562) and basic (not advanced) mode. Reigh's
 * createTask (src/shared/lib/taskCreation.ts lines 183-188) posts it with `dependant_on: null` and
 * no task_id.
 */
export interface ReighTravelOptions {
  projectId: string;
  imageUrls: string[];
  segmentFrames: number[];
  frameOverlap: number[];
  resolution: string;
  shotId?: string;
}

export function reighTravelBody(options: ReighTravelOptions): Record<string, unknown> {
  const numSegments = Math.max(1, options.imageUrls.length - 1);
  const orchestratorDetails = {
    generation_source: 'batch',
    // generateTaskId("sm_travel_orchestrator"): Reigh's own text id, not the row's uuid.
    orchestrator_task_id: 'sm_travel_orchestrator_26120509_a1b2c3',
    run_id: '20261205094512345',
    input_image_paths_resolved: options.imageUrls,
    num_new_segments_to_generate: numSegments,
    base_prompts_expanded: Array.from({ length: numSegments }, (_, i) => `a slow pan, part ${i + 1}`),
    base_prompt: 'a slow pan',
    negative_prompts_expanded: Array(numSegments).fill(''),
    segment_frames_expanded: options.segmentFrames,
    frame_overlap_expanded: options.frameOverlap,
    parsed_resolution_wh: options.resolution,
    model_name: 'base_tester_model',
    model_type: 'i2v',
    seed_base: 789,
    steps: 20,
    after_first_post_generation_saturation: 1,
    after_first_post_generation_brightness: 0,
    debug_mode_enabled: true,
    ...(options.shotId ? { shot_id: options.shotId } : {}),
    main_output_dir_for_run: './outputs/default_travel_output',
    enhance_prompt: false,
    show_input_images: false,
    generation_mode: 'batch',
    dimension_source: 'project',
    amount_of_motion: 0.5,
    advanced_mode: false,
    independent_segments: true,
    use_svi: false,
  };
  return {
    params: { tool_type: 'travel-between-images', orchestrator_details: orchestratorDetails },
    task_type: 'travel_orchestrator',
    project_id: options.projectId,
    dependant_on: null,
  };
}
