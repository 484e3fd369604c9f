#!/usr/bin/env bash
# Records the live part of the detection corpus: real programs (Node, Go, memcached, Redis) at real pace, 1 Hz, for
# 12 minutes each, through `leakhound run --out`. Usage: bash bench/corpus/record.sh [NAME ...] (default: all).
# Needs node, go (Debian golang-go), memcached and redis-server; writes bench/corpus/recorded/NAME.csv.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
out="$here/recorded"
programs="$here/programs"
fixtures="$repo/tests/fixtures/node"
seconds=${RECORD_SECONDS:-720}
bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
dotnet build "$repo/src/LeakHound.Cli" -c Release -v quiet -nologo >/dev/null
leakhound=(dotnet "$repo/src/LeakHound.Cli/bin/Release/net10.0/leakhound.dll")
for p in reconnect firstgc; do go build -o "$bin/$p" "$programs/$p.go"; done

free_port() { node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }
watch() { # NAME [--metrics-url URL] -- CMD...
  local name=$1; shift
  "${leakhound[@]}" run --no-store --duration "${seconds}s" --out "$out/$name.csv" --target-log "$bin/$name.log" "$@" >"$bin/$name.summary" 2>&1 || true
  echo "recorded $name"
}

record() {
  local name=$1 port
  case "$name" in
    leak-keep-requests)
      port=$(free_port)
      (sleep 3; node "$fixtures/load.js" "http://127.0.0.1:$port/order" 20 4096 $((seconds + 10)) 2>/dev/null) &
      watch "$name" --metrics-url "http://127.0.0.1:$port/metrics" -- node "$fixtures/request-log.js" "$port" leak $((seconds + 30)) ;;
    healthy-keep-requests-bounded)
      port=$(free_port)
      (sleep 3; node "$fixtures/load.js" "http://127.0.0.1:$port/order" 20 4096 $((seconds + 10)) 2>/dev/null) &
      watch "$name" --metrics-url "http://127.0.0.1:$port/metrics" -- node "$fixtures/request-log.js" "$port" fixed $((seconds + 30)) 3600 ;;
    leak-upload-buffer)
      watch "$name" -- node "$programs/upload-buffer.js" leak $((seconds + 30)) ;;
    leak-churn-slow)
      watch "$name" -- node "$programs/churn-slow-leak.js" leak $((seconds + 30)) ;;
    leak-metrics-peaks)
      watch "$name" -- node "$programs/metrics-peaks.js" leak $((seconds + 30)) ;;
    healthy-metrics-peaks)
      watch "$name" -- node "$programs/metrics-peaks.js" fixed $((seconds + 30)) ;;
    leak-then-stop)
      watch "$name" -- node "$programs/leak-then-stop.js" 330 $((seconds + 30)) ;;
    leak-go-reconnect-restart)
      # One restart in the middle, as a supervisor would do it: the goroutines start again from the pool.
      port=$(free_port)
      watch "$name" --metrics-url "http://127.0.0.1:$port/metrics" -- bash -c \
        "'$bin/reconnect' $port leak $((seconds / 2)); '$bin/reconnect' $port leak $((seconds + 30))" ;;
    healthy-go-firstgc)
      port=$(free_port)
      watch "$name" --metrics-url "http://127.0.0.1:$port/metrics" -- "$bin/firstgc" "$port" $((seconds + 30)) ;;
    healthy-memcached-fill)
      port=$(free_port)
      (sleep 2; node "$programs/resp-fill.js" memcached "$port" 25 10000 $((seconds + 10))) &
      watch "$name" -- memcached -m 64 -p "$port" -U 0 -l 127.0.0.1 -u root -t 2 ;;
    healthy-redis-fill)
      port=$(free_port)
      (sleep 2; node "$programs/resp-fill.js" redis "$port" 25 10000 $((seconds + 10))) &
      watch "$name" -- redis-server --port "$port" --bind 127.0.0.1 --maxmemory 64mb --maxmemory-policy allkeys-lru --save "" --appendonly no ;;
    *) echo "unknown recording: $name" >&2; return 2 ;;
  esac
}

names=("$@")
[ ${#names[@]} -gt 0 ] || names=(leak-keep-requests leak-upload-buffer leak-churn-slow leak-metrics-peaks healthy-metrics-peaks
  leak-then-stop leak-go-reconnect-restart healthy-go-firstgc healthy-memcached-fill healthy-redis-fill healthy-keep-requests-bounded)
for name in "${names[@]}"; do record "$name" & done
wait
