export { blendFrames, crossfadeWeight } from './crossfade.js';
export { type DecodeOptions, decodeFrames } from './decode-frames.js';
export { type EncodedVideo, type EncodeMp4Options, encodeMp4 } from './encode-mp4.js';
export { FfmpegFailedError } from './errors/ffmpeg-failed-error.js';
export { FfmpegNotFoundError } from './errors/ffmpeg-not-found-error.js';
export { FrameSizeError } from './errors/frame-size-error.js';
export { InvalidMediaInputError } from './errors/invalid-media-input-error.js';
export { MediaAbortedError } from './errors/media-aborted-error.js';
export { MediaError, type MediaErrorCode } from './errors/media-error.js';
export { NoFramesError } from './errors/no-frames-error.js';
export { type EvenSize, evenSize, type OddSizePolicy } from './even-size.js';
export { type FfmpegTools, type FfmpegToolsOptions, resolveFfmpegTools } from './ffmpeg/ffmpeg-tools.js';
export type { FrameSource } from './frame-source.js';
export { isFaststart, type Mp4Box, readTopLevelBoxes } from './mp4-boxes.js';
export { encodePlaceholderClip } from './placeholder-clip.js';
export { type DecodedImage, decodePng, encodePng } from './png.js';
export { type ProbeOptions, probeVideo, type VideoProbe } from './probe.js';
export { type ReadFrameOptions, type RgbFrame, readFrame } from './read-frame.js';
export { type StitchedVideo, type StitchOptions, stitchVideos } from './stitch.js';
export {
  type StitchedFiles,
  type StitchStoredVideosInput,
  stitchStoredVideos,
} from './stitch-stored-videos.js';
export { assertVideoFormat, frameBytes, type VideoFormat } from './video-format.js';
