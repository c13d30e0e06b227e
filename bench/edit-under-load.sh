#!/usr/bin/env bash
# What an edit of the rules costs repeated requests under load: the packaged service on a copy of
# rules/, KEYS distinct repeated requests (bench/decide-many.lua) at 64 connections; runs of
# RUN_SECS alternate between an edit of the copy 4 s in and no edit. Each line: the decisions
# the rules evaluated on the request path during the run, the last activation (ms, and its
# phases), p90/p99 over the run and requests per second.
# Usage: bench/edit-under-load.sh [runs, default 5]. Needs wrk (apt-get install wrk).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
runs=${1:-5}
secs=${RUN_SECS:-12}
port=${BENCH_PORT:-18080}
export KEYS=${KEYS:-1000}
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 2; }
. bench/service.sh
start_service
wait_ready
url="http://localhost:$port"
wrk -t2 -c64 -d25s -s bench/decide-many.lua "$url" >/dev/null # the JIT, and every request remembered
evaluated() { curl -fs "$url/q/metrics" | awk '/^gpu_decision_latency_seconds_count/ && /answer="evaluated"/ {printf "%d\n", $NF}'; }
out=$(mktemp)
for i in $(seq 1 "$runs"); do
  mode=$([ $((i % 2)) = 1 ] && echo edit || echo none)
  before=$(evaluated)
  wrk -t2 -c64 -d"${secs}s" --latency -s bench/decide-many.lua "$url" >"$out" &
  w=$!
  if [ "$mode" = edit ]; then
    sleep 4
    printf '\n# bench edit %s\n' "$(date +%s%N)" >> "$rules/settings.properties"
  fi
  wait $w
  activation=$(curl -fs "$url/v1/rules" | sed -E 's/.*"lastAttempt":\{[^}]*"durationMs":([0-9]+).*"phasesMs":(\{[^}]*\}).*/\1 ms \2/')
  printf '%-5s evaluated %6d  last activation %s  p90 %s p99 %s  %s req/s\n' "$mode" $(( $(evaluated) - before )) \
    "$activation" "$(awk '$1=="90%" {print $2}' "$out")" "$(awk '$1=="99%" {print $2}' "$out")" \
    "$(awk '/Requests\/sec/ {print $2}' "$out")"
done
rm -f "$out"
