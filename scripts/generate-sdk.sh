#!/usr/bin/env bash
# Regenerates the Python SDK (package event_sdk) from openapi/openapi.json with
# OpenAPI Generator (-g python).
# Usage: scripts/generate-sdk.sh [OUTDIR]   (default: sdk/python, the committed copy)
#
# Settings live in sdk/generator/: config.yaml (generator options), templates/
# (template overrides) and openapi-generator-ignore (files not generated). The files
# written by the previous run (listed in OUTDIR/.openapi-generator/FILES) are replaced,
# so a schema removed from the spec disappears from the SDK; tests/ and examples/ are
# never touched.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/common.sh

out=${1:-sdk/python}
spec=openapi/openapi.json
[ -f "$spec" ] || die "$spec is missing (scripts/openapi.sh writes it)."

need java "OpenAPI Generator runs on Java 11 or newer (Debian: apt-get install default-jre-headless)."
need python3 "Install Python 3.10 or newer (Debian: apt-get install python3 python3-venv)."

# The generator comes from PyPI (openapi-generator-cli bundles the JAR), at the version
# pinned in requirements.txt, installed into .venv if it is not there yet.
pin=$(grep -E '^openapi-generator-cli==' requirements.txt) || die "requirements.txt does not pin openapi-generator-cli."
if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv || die "python3 -m venv failed (Debian: apt-get install python3-venv)."
fi
if [ "$(.venv/bin/python -m pip freeze --disable-pip-version-check 2>/dev/null | grep -E '^openapi-generator-cli==')" != "$pin" ]; then
    echo "generate-sdk: installing $pin into .venv"
    .venv/bin/python -m pip install --quiet --disable-pip-version-check "$pin"
fi

version=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["info"]["version"])' "$spec")

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/out"
cp sdk/generator/openapi-generator-ignore "$work/out/.openapi-generator-ignore"
if ! .venv/bin/openapi-generator-cli generate \
        --input-spec "$spec" \
        --generator-name python \
        --config sdk/generator/config.yaml \
        --template-dir sdk/generator/templates \
        --additional-properties "packageVersion=$version" \
        --output "$work/out" >"$work/log" 2>&1; then
    cat "$work/log" >&2
    die "OpenAPI Generator failed (its log is above)."
fi
# Show the generator's warnings, except the notice that OpenAPI 3.1 support is in beta.
grep -E '(WARN|ERROR)' "$work/log" | grep -v 'OpenAPI 3.1 support is still in beta' || true

# Replace what the previous run generated, keeping the hand-written files.
mkdir -p "$out"
if [ -f "$out/.openapi-generator/FILES" ]; then
    while IFS= read -r file; do
        [ -n "$file" ] && rm -f "$out/$file"
    done < "$out/.openapi-generator/FILES"
fi
rm -rf "$out/.openapi-generator" "$out/.openapi-generator-ignore"
find "$out" -mindepth 1 -depth -type d -empty -delete
cp -R "$work/out/." "$out/"

echo "generate-sdk: wrote event_sdk $version into $out ($(wc -l < "$out/.openapi-generator/FILES") files, OpenAPI Generator $(cat "$out/.openapi-generator/VERSION"))"
