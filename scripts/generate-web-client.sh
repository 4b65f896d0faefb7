#!/usr/bin/env bash
# Regenerates the web app's API client (TypeScript + Axios) from openapi/openapi.json
# with OpenAPI Generator (-g typescript-axios).
# Usage: scripts/generate-web-client.sh [OUTDIR]   (default: web/src/api, the committed copy)
#
# Settings live in web/generator/: config.yaml (generator options) and
# openapi-generator-ignore (files not generated). OUTDIR is replaced as a whole: it holds
# generated files only.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/common.sh

out=${1:-web/src/api}
spec=openapi/openapi.json
[ -f "$spec" ] || die "$spec is missing (scripts/openapi.sh writes it)."

need java "OpenAPI Generator runs on Java 11 or newer (Debian: apt-get install default-jre-headless)."
need python3 "Install Python 3.10 or newer (Debian: apt-get install python3 python3-venv)."

# The generator comes from PyPI (openapi-generator-cli bundles the JAR), at the version
# pinned in requirements.txt (the same as for the Python SDK), installed into .venv if
# it is not there yet.
pin=$(grep -E '^openapi-generator-cli==' requirements.txt) || die "requirements.txt does not pin openapi-generator-cli."
if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv || die "python3 -m venv failed (Debian: apt-get install python3-venv)."
fi
if [ "$(.venv/bin/python -m pip freeze --disable-pip-version-check 2>/dev/null | grep -E '^openapi-generator-cli==')" != "$pin" ]; then
    echo "generate-web-client: installing $pin into .venv"
    .venv/bin/python -m pip install --quiet --disable-pip-version-check "$pin"
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/out"
cp web/generator/openapi-generator-ignore "$work/out/.openapi-generator-ignore"
if ! .venv/bin/openapi-generator-cli generate \
        --input-spec "$spec" \
        --generator-name typescript-axios \
        --config web/generator/config.yaml \
        --output "$work/out" >"$work/log" 2>&1; then
    cat "$work/log" >&2
    die "OpenAPI Generator failed (its log is above)."
fi
# Show the generator's warnings, except the notice that OpenAPI 3.1 support is in beta.
grep -E '(WARN|ERROR)' "$work/log" | grep -v 'OpenAPI 3.1 support is still in beta' || true

rm -rf "$out"
mkdir -p "$(dirname "$out")"
cp -R "$work/out" "$out"

echo "generate-web-client: wrote the typescript-axios client into $out ($(wc -l < "$out/.openapi-generator/FILES") files, OpenAPI Generator $(cat "$out/.openapi-generator/VERSION"))"
