#!/usr/bin/env bash
# Builds leakhound as one self-contained file per Linux platform: no .NET needs to be installed where it runs.
#   scripts/publish.sh [--out DIR] [RID ...]      RIDs: linux-x64 (default) and linux-arm64
# Each file lands as DIR/RID/leakhound (DIR defaults to dist/). The native libraries (SQLite, SkiaSharp, HarfBuzz) are
# inside the file and unpack on first start under $DOTNET_BUNDLE_EXTRACT_BASE_DIR (default ~/.net, else $TMPDIR/.net).
# The build goes to its own artifacts folder, so it never touches the bin/ and obj/ folders that the tests use.
set -euo pipefail
cd "$(dirname "$0")/.."

out=dist
rids=()
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out="$2"; shift 2 ;;
    linux-x64|linux-arm64) rids+=("$1"); shift ;;
    *) echo "publish.sh: unknown argument '$1' (RIDs: linux-x64, linux-arm64; --out DIR)" >&2; exit 2 ;;
  esac
done
[ ${#rids[@]} -gt 0 ] || rids=(linux-x64)

mkdir -p "$out"
artifacts=$(mktemp -d)
trap 'rm -rf "$artifacts"' EXIT
for rid in "${rids[@]}"; do
  dotnet publish src/LeakHound.Cli/LeakHound.Cli.csproj -c Release -r "$rid" --self-contained \
    -p:PublishSingleFile=true -p:IncludeNativeLibrariesForSelfExtract=true -p:EnableCompressionInSingleFile=true \
    -p:DebugType=none -p:GenerateDocumentationFile=false \
    --artifacts-path "$artifacts" -o "$artifacts/out-$rid" -v quiet -nologo >&2
  mkdir -p "$out/$rid"
  cp "$artifacts/out-$rid/leakhound" "$out/$rid/leakhound"
  echo "$out/$rid/leakhound $(du -m "$out/$rid/leakhound" | cut -f1) MB"
done
