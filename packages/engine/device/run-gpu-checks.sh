#!/usr/bin/env bash
# One device session's whole GPU work for the engine, in priority order (correctness first, then speed), each stage
# under its own time limit so that the run fits one 10-minute device call:
#   1. environment (GPU, driver, nvcc, cmake, torch)            -> $OUT/env.txt
#   2. configure + build with nvcc (sm_90a + compute_90 PTX)      -> $OUT/logs/build.log, sass summary
#   3. ctest: the CUDA tests (every op vs CPU, WAN's ops included,
#      every GEMM form on our kernel and on cuBLAS, sdxl-tiny and
#      wan-tiny fixture replays on CUDA, the start-up self-check,
#      pool/OOM) and the CPU suite                                 -> $OUT/logs/ctest.log
#   4. gpuq_replay of sdxl-tiny and wan-tiny on CUDA (per tensor) -> $OUT/replay/
#   5. gpuq_cuda_bench: ceilings, CPU-vs-CUDA full-size UNet step,
#      SDXL UNet step at 1024x1024 batch 2, our GEMM and cuBLAS    -> $OUT/bench/*.json
#   6. gpuq_cuda_bench --wan: WAN 1.3B CFG step at 480x832, 81
#      frames (random weights in the real layout, --wan-weights),
#      the WAN 2.1 VAE decode of its latent, peak device memory    -> $OUT/bench/cuda-wan-*.json
#   7. PyTorch eager on the same GPU: the same SDXL UNet step and the
#      same WAN step + VAE decode through diffusers (source
#      carried), then cuBLAS / SDPA ceilings                      -> $OUT/bench/torch-*.json
# A failing stage is recorded and the next one still runs (each answers something on its own);
# the summary table is printed last, and the exit code is 1 if any stage failed. The whole run
# stays within GPUQ_DEVICE_BUDGET_S (default 500 s): each stage gets min(its cap, time left).
#
# On the device (from the repository root; the golden fixtures travel with the tree in
# packages/engine/test/golden, the rest in packages/engine/device/.carry, filled here by
# packages/engine/scripts/prepare-device-carry.sh):
#   bash packages/engine/device/run-gpu-checks.sh
# Options: --jobs N (build, default: nproc), --latent N (bench, default 128 = 1024x1024),
#   --runs N (timed steps, default 5), --weights fp16|bf16|fp32, --skip-build (reuse --build-dir),
#   --skip-bench, --skip-wan, --skip-torch, --build-dir DIR (default /tmp/gpuq-build),
#   --wan-weights bf16|fp16|fp32 (default bf16), --wan-frames N (default 81), --dry-run (print the plan).
# Rehearsed on a machine without a GPU: everything builds, tests and bench skip (77), exit 0.
set -uo pipefail

engine=$(cd "$(dirname "$0")/.." && pwd)
jobs=$(nproc 2>/dev/null || echo 4)
latent=128 runs=5 weights=fp16 build=/tmp/gpuq-build
skip_build=0 skip_bench=0 skip_wan=0 skip_torch=0 dry=0
wan_weights=bf16 wan_frames=81
usage() { sed -n '2,30p' "$0" | sed 's/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
  case "$1" in
    --jobs) jobs=$2; shift ;;
    --latent) latent=$2; shift ;;
    --runs) runs=$2; shift ;;
    --weights) weights=$2; shift ;;
    --build-dir) build=$2; shift ;;
    --skip-build) skip_build=1 ;;
    --skip-bench) skip_bench=1 ;;
    --skip-wan) skip_wan=1 ;;
    --skip-torch) skip_torch=1 ;;
    --wan-weights) wan_weights=$2; shift ;;
    --wan-frames) wan_frames=$2; shift ;;
    --dry-run) dry=1 ;;
    -h | --help) usage; exit 0 ;;
    *) echo "unknown option $1" >&2; usage >&2; exit 2 ;;
  esac
  shift
done
case "$weights" in fp16 | bf16 | fp32) ;; *) echo "--weights must be fp16, bf16 or fp32" >&2; exit 2 ;; esac
case "$wan_weights" in fp16 | bf16 | fp32) ;; *) echo "--wan-weights must be fp16, bf16 or fp32" >&2; exit 2 ;; esac
[[ "$latent" =~ ^[0-9]+$ && "$runs" =~ ^[0-9]+$ && "$jobs" =~ ^[0-9]+$ && "$wan_frames" =~ ^[0-9]+$ ]] ||
  { echo "numbers expected" >&2; exit 2; }

OUT=${OUT:-$engine/device/out}
carry="$engine/device/.carry"
# Result files carry the GPU's name (bench/results wants the device named) and the time.
gpu_name=$(nvidia-smi --query-gpu=name --format=csv,noheader 2>/dev/null | head -1 | tr ' ' '-' | tr -cd 'A-Za-z0-9-')
stamp="${gpu_name:-nogpu}-$(date -u +%Y-%m-%dT%H-%M-%SZ)"
mkdir -p "$OUT/logs" "$OUT/bench" "$OUT/replay"
summary="$OUT/summary.txt"
: >"$summary"
failed=0

# stage NAME CAP_S LOG FUNCTION: runs the function in a fresh bash (so `timeout` can stop it)
# under min(CAP_S, time left of the run's budget), recording ok / skipped (77) / FAILED / not run.
budget=${GPUQ_DEVICE_BUDGET_S:-500}
deadline=$((SECONDS + budget))
stage() {
  local name=$1 cap=$2 log=$3 fn=$4
  local left=$((deadline - SECONDS - 5))
  local limit=$((cap < left ? cap : left))
  if [ "$dry" = 1 ]; then
    printf '%-14s (limit %ss) %s\n' "$name" "$cap" "$fn" | tee -a "$summary"
    return 0
  fi
  if [ "$limit" -lt 10 ]; then
    printf '%-14s %-28s\n' "$name" "not run (budget spent)" | tee -a "$summary"
    failed=1
    return 1
  fi
  local t0=$SECONDS rc
  timeout --kill-after=10 "$limit" bash -c "$(declare -p engine build jobs latent runs weights wan_weights wan_frames \
    OUT stamp carry generator cmake_extra; declare -f "$fn"); export GPUQ_FIXTURES='$GPUQ_FIXTURES'; $fn" >"$log" 2>&1
  rc=$?
  local what=ok
  if [ $rc = 77 ]; then what="skipped"; elif [ $rc != 0 ]; then what="FAILED (rc $rc)"; failed=1; fi
  [ $rc = 124 ] && what="FAILED (timed out, ${limit}s)"
  printf '%-14s %-28s %4ss  %s\n' "$name" "$what" $((SECONDS - t0)) "${log#"$OUT"/}" | tee -a "$summary"
  return $rc
}

# Environment; zlib headers from the carry folder when the image has none.
cmake_extra=()
if ! printf '#include <zlib.h>\n' | ${CXX:-c++} -x c++ -E - >/dev/null 2>&1 && [ -f "$carry/zlib/include/zlib.h" ]; then
  libz=$(ldconfig -p 2>/dev/null | awk '/libz\.so\.1 .*x86-64/ {print $NF; exit}')
  [ -n "$libz" ] && cmake_extra+=("-DZLIB_INCLUDE_DIR=$carry/zlib/include" "-DZLIB_LIBRARY=$libz")
fi
# cuBLAS for the GEMM comparison: PyTorch's nvidia-cublas wheel, loaded by path (GPUQ_CUBLAS).
if [ -z "${GPUQ_CUBLAS:-}" ]; then
  GPUQ_CUBLAS=$(python3 -c '
import glob, os
try:
    import nvidia
    roots = list(nvidia.__path__)
except Exception:
    roots = []
hits = [h for r in roots for h in glob.glob(os.path.join(r, "**", "libcublas.so*"), recursive=True)]
hits = sorted(h for h in hits if "Lt" not in os.path.basename(h))
print(hits[0] if hits else "")' 2>/dev/null)
  [ -z "$GPUQ_CUBLAS" ] && GPUQ_CUBLAS=$(ldconfig -p 2>/dev/null | awk '/libcublas\.so\./ {print $NF; exit}')
fi
if [ -n "${GPUQ_CUBLAS:-}" ]; then
  export GPUQ_CUBLAS
  export LD_LIBRARY_PATH="$(dirname "$GPUQ_CUBLAS")${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
fi
# The golden fixtures are part of the tree; GPUQ_FIXTURES still points the tests elsewhere.
export GPUQ_FIXTURES="${GPUQ_FIXTURES:-$engine/test/golden}"
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)

env_report() {
  date -u
  nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.sm,clocks.max.sm --format=csv 2>&1 || true
  nvcc --version 2>&1 | tail -2
  cmake --version 2>&1 | head -1
  ${CXX:-c++} --version 2>&1 | head -1
  nproc
  python3 -c 'import torch; print("torch", torch.__version__, torch.cuda.is_available())' 2>&1 || true
  echo "fixtures: $GPUQ_FIXTURES ($(ls "$GPUQ_FIXTURES" 2>/dev/null | tr '\n' ' '))"
  echo "cmake extra: ${cmake_extra[*]:-none}"
  echo "cuBLAS: ${GPUQ_CUBLAS:-not found} (GPUQ_CUDA_GEMM=${GPUQ_CUDA_GEMM:-auto})"
}

configure_and_build() {
  cmake -S "$engine" -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release -DGPUQ_WITH_CUDA=ON \
    -DGPUQ_BUILD_ADDON=OFF "${cmake_extra[@]}" &&
    cmake --build "$build" -j "$jobs"
}

# Register/shared-memory use per kernel and the tensor-core instructions in the GEMM (HMMA).
sass_summary() {
  command -v cuobjdump >/dev/null || { echo "no cuobjdump"; return 77; }
  local obj
  obj=$(find "$build" -name 'gemm.cu.o' | head -1)
  [ -n "$obj" ] || return 1
  cuobjdump -res-usage "$obj" 2>&1 | grep -E 'Function|REG' | head -40
  echo "HMMA instructions in gemm.cu.o: $(cuobjdump -sass "$obj" 2>/dev/null | grep -c HMMA)"
}

run_ctest() {
  ctest --test-dir "$build" --output-on-failure -R cuda -j1 -V
  local cuda_rc=$?
  # The op and fixture tests again with our own GEMM for every product (ctest ran them with
  # cuBLAS where it loaded).
  echo "== test_cuda_ops, test_cuda_wan_ops, test_cuda_fixtures with GPUQ_CUDA_GEMM=own"
  GPUQ_CUDA_GEMM=own "$build/test_cuda_ops" && GPUQ_CUDA_GEMM=own "$build/test_cuda_wan_ops" &&
    GPUQ_CUDA_GEMM=own "$build/test_cuda_fixtures"
  local own_rc=$?
  [ $own_rc = 77 ] && own_rc=0
  # And the fixture replay with the fused attention kernel (off by default until this passes).
  echo "== test_cuda_fixtures with GPUQ_CUDA_ATTENTION=flash"
  GPUQ_CUDA_ATTENTION=flash "$build/test_cuda_fixtures"
  local flash_rc=$?
  [ $flash_rc = 77 ] && flash_rc=0
  ctest --test-dir "$build" --output-on-failure -E cuda -j4
  local cpu_rc=$?
  [ $cuda_rc = 0 ] && [ $own_rc = 0 ] && [ $flash_rc = 0 ] && [ $cpu_rc = 0 ]
}

replay_cuda() {
  "$build/gpuq_cuda_bench" --probe || return 77
  GPUQ_DEVICE=cuda "$build/gpuq_replay" "$GPUQ_FIXTURES/sdxl-tiny" "$OUT/replay/sdxl-tiny"
  local sdxl_rc=$?
  GPUQ_DEVICE=cuda "$build/gpuq_replay" "$GPUQ_FIXTURES/wan-tiny" "$OUT/replay/wan-tiny" && [ $sdxl_rc = 0 ]
}

bench_cuda() {
  "$build/gpuq_cuda_bench" --latent "$latent" --runs "$runs" --weights "$weights" \
    --json "$OUT/bench/cuda-latent$latent-$weights-$stamp.json"
}

# WAN 2.1 1.3B at 480x832: the CFG step, then the VAE decode of the step's latent and the peak
# device memory of the whole run.
bench_wan() {
  "$build/gpuq_cuda_bench" --probe || return 77
  "$build/gpuq_cuda_bench" --wan --frames "$wan_frames" --height 480 --width 832 --weights "$wan_weights" --vae \
    --json "$OUT/bench/cuda-wan-480p-${wan_frames}f-$wan_weights-$stamp.json"
}

torch_wan() {
  python3 "$engine/device/torch_wan_step.py" --frames "$wan_frames" \
    --json "$OUT/bench/torch-wan-480p-${wan_frames}f-bf16-$stamp.json"
}

torch_ceilings() { python3 "$engine/device/torch_ceilings.py" --json "$OUT/bench/torch-ceilings-$stamp.json"; }

torch_unet() {
  "$build/gpuq_cuda_bench" --write-unet-config "$OUT/sdxl-unet-config.json" || return 1
  python3 "$engine/device/torch_unet_step.py" --config "$OUT/sdxl-unet-config.json" --latent "$latent" \
    --json "$OUT/bench/torch-unet-latent$latent-$stamp.json"
}

echo "gpuq GPU checks -> $OUT (build $build, jobs $jobs, latent $latent, runs $runs, weights $weights)"
stage env 30 "$OUT/env.txt" env_report
if [ "$skip_build" = 0 ]; then
  stage build 240 "$OUT/logs/build.log" configure_and_build || { [ "$dry" = 1 ] || { cat "$summary"; tail -40 "$OUT/logs/build.log"; exit 1; }; }
fi
stage sass 30 "$OUT/logs/sass.txt" sass_summary
stage ctest 150 "$OUT/logs/ctest.log" run_ctest
stage replay-cuda 60 "$OUT/logs/replay.log" replay_cuda
[ "$skip_bench" = 0 ] && stage bench-cuda 200 "$OUT/logs/bench.log" bench_cuda
[ "$skip_wan" = 0 ] && stage bench-wan 150 "$OUT/logs/bench-wan.log" bench_wan
[ "$skip_torch" = 0 ] && stage torch-unet 150 "$OUT/logs/torch-unet.log" torch_unet
[ "$skip_torch" = 0 ] && [ "$skip_wan" = 0 ] && stage torch-wan 150 "$OUT/logs/torch-wan.log" torch_wan
[ "$skip_torch" = 0 ] && stage torch 90 "$OUT/logs/torch.log" torch_ceilings

[ "$dry" = 1 ] && exit 0
echo
echo "== tails"
for f in ctest replay bench bench-wan torch-unet torch-wan torch; do
  [ -f "$OUT/logs/$f.log" ] && { echo "-- $f"; grep -E 'FAIL|SKIPPED|tests passed|rel L2|UNet step|CFG step|VAE decode|peak device|self-check|TFLOP|GB/s|error' "$OUT/logs/$f.log" | tail -15; }
done
echo
echo "== summary"
cat "$summary"
exit $failed
