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
