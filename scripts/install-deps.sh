#!/usr/bin/env bash
# Installs the Debian 12 packages QATBench builds and tests with. Run as root (or through sudo).
set -euo pipefail
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
  cmake ninja-build g++ qt6-base-dev qt6-base-dev-tools libqcustomplot-dev libqcustomplot2.1-qt6 \
  libtorch-dev libopenblas0-pthread nlohmann-json3-dev libsqlite3-dev \
  qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools qt6-translations-l10n \
  xvfb xauth fonts-dejavu-core >/dev/null
echo "install-deps: Debian packages are installed"
# A real llama.cpp for the GGUF export check (node-llama-cpp's prebuilt CPU binaries, ~64 MB download into
# ~/.cache/qatbench/llamacpp). It needs node >= 20 (Debian 12's nodejs is 18: use NodeSource's or nvm's).
if command -v node >/dev/null && [ "$(node -p 'process.versions.node.split(".")[0]')" -ge 20 ]; then
    "$(dirname "$0")/llamacpp/install.sh" || echo "install-deps: node-llama-cpp not installed (the llama.cpp check will skip)"
else
    echo "install-deps: no node >= 20, so no node-llama-cpp: the llama.cpp check of GGUF exports will skip"
fi
