/** Test helpers for other packages' tests: the golden fixtures and the single-file SDXL writer. */
export { fixtureDir } from './fixtures.js';
export { writeSingleFileFromFolder } from './single-file-sdxl.js';
