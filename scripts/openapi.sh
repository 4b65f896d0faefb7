#!/usr/bin/env bash
# Regenerates openapi/openapi.json from the code (CI fails when it drifts).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo run --quiet -p boxoffice -- openapi > openapi/openapi.json
echo "wrote openapi/openapi.json"
