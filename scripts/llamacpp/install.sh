#!/usr/bin/env bash
# Installs node-llama-cpp 3.22.1 with only its linux-x64 CPU binaries into a cache folder, once, for the
# llama.cpp check of GGUF exports (tests/core/test_gguf_llamacpp.cpp). Downloads about 64 MB of npm packages
# (85 MB unpacked); the CUDA and Vulkan variants (about 640 MB more) are left out. node >= 20 runs it: where there
# is none (Debian 12's nodejs is 18), scripts/llamacpp/node.sh --install fetches node 20 first (43 MB more).
#   scripts/llamacpp/install.sh [DIR]     DIR default: $QATBENCH_LLAMACPP_DIR, else ~/.cache/qatbench/llamacpp
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
dir="${1:-${QATBENCH_LLAMACPP_DIR:-$HOME/.cache/qatbench/llamacpp}}"
if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
    echo "install.sh: node-llama-cpp's prebuilt CPU package used here is for Linux x86-64 only" >&2
    exit 1
fi
if ! command -v npm >/dev/null; then
    echo "install.sh: npm is needed (Debian: apt-get install nodejs npm)" >&2
    exit 1
fi
node="$("$here/node.sh" --install)"
echo "install.sh: the llama.cpp check runs on $node ($("$node" --version))"
mkdir -p "$dir"
if [ -f "$dir/node_modules/@node-llama-cpp/linux-x64/package.json" ] &&
   [ -f "$dir/node_modules/node-llama-cpp/package.json" ] && cmp -s "$here/package.json" "$dir/package.json"; then
    echo "node-llama-cpp already in $dir"
    exit 0
fi
cp "$here/package.json" "$dir/package.json"
# --omit=optional: not the CUDA/Vulkan/other-OS binaries (linux-x64 is a direct dependency above);
# --ignore-scripts: its postinstall would look for or build binaries; getLlama({build: "never"}) needs none.
# npm runs on its own node (Debian's npm needs Debian's node 18 for its modules); unpacking needs no node 20.
(cd "$dir" && NODE_LLAMA_CPP_SKIP_DOWNLOAD=true npm install --no-audit --no-fund --omit=optional \
    --ignore-scripts --no-package-lock)
echo "node-llama-cpp installed in $dir ($(du -sh "$dir/node_modules" | cut -f1))"
