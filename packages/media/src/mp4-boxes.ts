/**
 * Lists an MP4's top-level boxes (atoms) in file order by walking their size headers. Used to
 * prove `+faststart`: the `moov` index must precede `mdat` so players start before the download ends.
 */
import { open } from 'node:fs/promises';
import { InvalidMediaInputError } from './errors/invalid-media-input-error.js';

export interface Mp4Box {
  type: string;
  offset: number;
  size: number;
}

export async function readTopLevelBoxes(path: string): Promise<Mp4Box[]> {
  const file = await open(path, 'r');
  try {
    const { size: fileSize } = await file.stat();
    const boxes: Mp4Box[] = [];
    const header = Buffer.alloc(16);
    let offset = 0;
    while (offset + 8 <= fileSize) {
      await file.read(header, 0, 16, offset);
      let size = header.readUInt32BE(0);
      const type = header.toString('latin1', 4, 8);
      if (size === 1)
        size = Number(header.readBigUInt64BE(8)); // 64-bit "largesize"
      else if (size === 0) size = fileSize - offset; // box runs to the end of the file
      if (size < 8) throw new InvalidMediaInputError(`${path}: malformed MP4 box "${type}" at ${offset}`);
      boxes.push({ type, offset, size });
      offset += size;
    }
    return boxes;
  } finally {
    await file.close();
  }
}

/** True when the movie index comes before the media data. */
export async function isFaststart(path: string): Promise<boolean> {
  const types = (await readTopLevelBoxes(path)).map((box) => box.type);
  const moov = types.indexOf('moov');
  const mdat = types.indexOf('mdat');
  return moov !== -1 && mdat !== -1 && moov < mdat;
}
