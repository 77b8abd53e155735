// Reuse of large tensor buffers. A denoising loop allocates the same activation sizes every step;
// glibc serves blocks above its mmap threshold (<= 32 MiB) with fresh mappings, so each step paid
// page faults and kernel zeroing for every big activation again (10% of a 1024x1024 UNet step
// was system time). Freed blocks of 1 MiB and more are kept per exact size, up to a byte cap,
// and handed out again (at most 2 GiB; the pipeline empties it between the loop and the decode).
#pragma once

#include <cstddef>

namespace gpuq {

// 64-byte aligned block of at least `bytes`; nullptr when the allocation fails.
void* cached_alloc(size_t bytes);
// Returns a block from cached_alloc(bytes) (same `bytes`).
void cached_free(void* p, size_t bytes);
// Frees every cached block (e.g. after a generation, to give memory back).
void release_block_cache();
size_t block_cache_bytes();

}  // namespace gpuq
