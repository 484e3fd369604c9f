#!/usr/bin/env bash
# Refreshes the vendored uPlot files from the npm registry (version from package.json). The files are committed so that
# building LeakHound needs no npm, and a report opens with no network: they are embedded into every HTML file.
set -euo pipefail
cd "$(dirname "$0")"
version=$(node -p "require('./package.json').dependencies.uplot")
tmp=$(mktemp -d)
(cd "$tmp" && npm pack "uplot@$version" >/dev/null && tar xzf uplot-*.tgz)
cp "$tmp/package/dist/uPlot.iife.min.js" "$tmp/package/dist/uPlot.min.css" .
cp "$tmp/package/LICENSE" uPlot.LICENSE
rm -rf "$tmp"
echo "uPlot $version vendored"
