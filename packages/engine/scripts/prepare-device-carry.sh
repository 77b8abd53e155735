#!/usr/bin/env bash
# Fills packages/engine/device/.carry (git-ignored) with what the GPU machine cannot get itself:
# zlib's two headers, in case the device image lacks zlib1g-dev (its libz.so.1 runtime is there:
# Python needs it), and diffusers' source for the PyTorch baseline (DIFFUSERS_REPO: a git
# checkout or mirror, e.g. from the search tool's fetch; ~25 MB; never committed). The golden
# fixtures need no copy: they are in the tree (packages/engine/test/golden), which travels.
# The lead passes carry=["packages/engine/device/.carry"] to the device run.
# Usage: prepare-device-carry.sh
set -euo pipefail
engine=$(cd "$(dirname "$0")/.." && pwd)
carry="$engine/device/.carry"
rm -rf "$carry"
mkdir -p "$carry/zlib/include"
for h in zlib.h zconf.h; do
  [ -f "/usr/include/$h" ] && cp "/usr/include/$h" "$carry/zlib/include/" || true
done
if [ -n "${DIFFUSERS_REPO:-}" ]; then
  mkdir -p "$carry/diffusers"
  git -C "$DIFFUSERS_REPO" archive HEAD src/diffusers | tar -x -C "$carry/diffusers"
  echo "diffusers $(git -C "$DIFFUSERS_REPO" log -1 --format='%h %cs') -> $carry/diffusers/src"
fi
du -sh "$carry"
