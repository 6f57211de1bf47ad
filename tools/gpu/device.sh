#!/bin/sh
# What a session runs on a lent GPU machine (the device tool), where there is no cargo and no
# network: `cargo xtask gpu-sweep`'s work with CLI binaries built beforehand and carried in
# `.gpu/` (with the Vulkan loader's packages in `.gl/`, device README). Each step has its own
# time limit and writes into $OUT as it ends (at most 8 files come back: log.txt, the
# benches, and each sweep with its analysis), so a run cut short keeps what it finished.
#
# Usage (repository root, on the device machine): sh tools/gpu/device.sh
#   .gpu/grokking.gz    the CLI to run the sweeps with (the build of the CPU sweep's code),
#                       stripped and gzipped to fit the 64 MiB that travels
#   .gpu/grokking-*.gz  other builds: each is benchmarked too (before/after a change)
set -u
out=${OUT:-/tmp/out}
mkdir -p "$out"
for f in .gl/*.deb; do dpkg -x "$f" /; done
ldconfig
export VK_DRIVER_FILES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
export __EGL_VENDOR_LIBRARY_FILENAMES=/usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json
for g in .gpu/*.gz; do gunzip -c "$g" >"/tmp/$(basename "$g" .gz)" && chmod +x "/tmp/$(basename "$g" .gz)"; done
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv >>"$out/log.txt" 2>&1
started=$(date +%s)
log() { echo "[$(($(date +%s) - started)) s] $*" | tee -a "$out/log.txt"; }

for g in /tmp/grokking*; do
  name=$(basename "$g")
  log "bench $name"
  timeout -k 10 90 "$g" bench --backend wgpu --json --steps 50 >"$out/bench-$name.json" 2>>"$out/log.txt"
  log "bench $name: exit $?"
done

# The paper's sample-wise sweep at p = 113, N = 1000 … 9500, seeds 0 and 1, 6,000 steps —
# the grid of xtask/src/gpu.rs (SIZES, SEEDS, STEPS, CPU_SWEEP): keep the two equal.
# the authors' GPT first (it completes docs/results/mod113-paper.json, the CPU's N ≤ 5500),
# then our pre-LN GPT.
for arch in openai-gpt pre-ln; do
  sweep=/tmp/paper-$arch-6k.json
  [ "$arch" = openai-gpt ] && cp docs/results/mod113-paper.json "$sweep"
  log "sweep $arch"
  timeout -k 30 "${SWEEP_SECONDS:-200}" /tmp/grokking sweep --preset paper --arch "$arch" \
    --subsets independent --split shared --backend wgpu --train-sizes 1000:9500:500 \
    --seeds 0,1 --steps 6000 --out "$sweep" >>"$out/log.txt" 2>&1
  log "sweep $arch: exit $?"
  if [ -f "$sweep" ]; then
    gzip -c "$sweep" >"$out/paper-$arch-6k.json.gz"
    /tmp/grokking analyze --json "$sweep" >"$out/paper-$arch-6k-analysis.json" 2>>"$out/log.txt"
  fi
done
log done
