#!/usr/bin/env bash
# Runs the whole test suite (Release). Extra arguments go to 'dotnet test'; .ci/run adds TRX output.
set -uo pipefail
cd "$(dirname "$0")/.."
status=0
for project in tests/*/*.csproj; do
  name=$(basename "$project" .csproj)
  dotnet test "$project" -c Release --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=minimal" "$@" || status=1
done
exit $status
