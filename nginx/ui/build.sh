#!/bin/bash
# Builds the web UI (nginx/ui) into nginx/www, which nginx serves at "/".
#   - "npm ci" from package-lock.json when node_modules is missing or older
#     than the lockfile (exact versions, tarball URLs kept in the lockfile);
#   - "vite build" when a source is newer than nginx/www/index.html.
# Runs on Node 18 (Debian 12's nodejs) and later; does nothing, and needs no
# Node, when the built files are up to date (a release tarball carries them).
# Options: --force rebuilds even when up to date.
set -eu
UI=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
WWW=$(dirname "$UI")/www
force=no
[ "${1:-}" != --force ] || force=yes

stale() {
	[ "$force" = yes ] && return 0
	[ -f "$WWW/index.html" ] || return 0
	[ -n "$(find "$UI/src" "$UI/index.html" "$UI/vite.config.js" "$UI/package-lock.json" \
	    -newer "$WWW/index.html" -print -quit 2>/dev/null)" ]
}

if ! stale; then
	echo "ui: nginx/www is up to date"
	exit 0
fi
command -v node >/dev/null || { echo "ui: node is missing (Debian: apt-get install nodejs npm)" >&2; exit 1; }
command -v npm >/dev/null || { echo "ui: npm is missing (Debian: apt-get install npm)" >&2; exit 1; }
major=$(node -p 'process.versions.node.split(".")[0]')
[ "$major" -ge 18 ] || { echo "ui: Node $(node --version) is too old; 18 or later is needed" >&2; exit 1; }
cd "$UI"
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
	echo "ui: npm ci (Node $(node --version), npm $(npm --version))"
	npm ci --no-audit --no-fund --loglevel=error
fi
echo "ui: vite build"
node node_modules/vite/bin/vite.js build --logLevel warn
touch "$WWW/index.html"
echo "ui: built into nginx/www ($(du -sk "$WWW" | cut -f1) KB)"
