#!/usr/bin/env bash
# Regenerates the Postman collection from openapi/openapi.json with the npm package
# openapi-to-postmanv2 (version pinned in postman/package.json and its lock file).
# Usage: scripts/generate-postman.sh [OUTFILE]
#        (default: postman/boxoffice.postman_collection.json, the committed copy)
# The output is the same for the same document (see postman/generate.js).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/common.sh

out=${1:-postman/boxoffice.postman_collection.json}
need node "Install Node.js 20 or newer with npm (Debian: apt-get install nodejs npm)."
need npm "Install Node.js 20 or newer with npm (Debian: apt-get install nodejs npm)."

# Install the converter when it is missing or the lock file changed since.
if [ ! -f postman/node_modules/.package-lock.json ] \
        || [ postman/package-lock.json -nt postman/node_modules/.package-lock.json ]; then
    echo "generate-postman: installing openapi-to-postmanv2 (npm ci in postman/)"
    npm --prefix postman ci --no-audit --no-fund --loglevel=error
fi
mkdir -p "$(dirname "$out")"
node postman/generate.js openapi/openapi.json "$out"
