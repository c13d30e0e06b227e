#!/usr/bin/env bash
# HTTP benchmark of the packaged service, on loopback only. Starts the service on a copy of rules/,
# measures: time from JVM start to ready, POST /v1/gpu-config against the framework's floor
# GET /q/health/live at 16 and 64 connections (wrk), the batch endpoint in models per second (and
# 64 clients' 1,000-item batches: what is answered, what is refused, that nothing else fails),
# requests the service has not answered before (each evaluated by the rules), alone and beside
# repeated ones, resident memory under load, and activation latency (write a rules file -> new
# version served).
# Usage: bench/http-bench.sh [seconds per run, default 15]. Needs wrk (apt-get install wrk).
# The JIT profile is the production default (throughput); GPU_JIT=fast-start measures the other one.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
secs=${1:-15}
port=${BENCH_PORT:-18080}
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 2; }
. bench/service.sh
echo "JVM flags: $opts"
echo "event loops: ${QUARKUS_VERTX_EVENT_LOOPS_POOL_SIZE:-set by the service, see launch/EventLoops.java}"
start_service GPU_RULES_SETTLE_MS=200
wait_ready
ready_ms=$(( ($(date +%s%N) - start) / 1000000 ))
echo "ready after JVM start: ${ready_ms} ms"
# whether the start compiled the rules or read them compiled (train-cds leaves them in the cache)
sleep 0.2; grep -m1 -o "([0-9]* ms to .*)" "$log" | sed 's/^/rules at start: /' || true

# decisions answered so far: "remembered evaluated" (gpu_decision_latency_seconds_count by answer)
answers() { curl -fs "localhost:$port/q/metrics" | awk '/^gpu_decision_latency_seconds_count/ {
  if ($0 ~ /answer="evaluated"/) e += $NF; else r += $NF } END {printf "%d %d\n", r, e}'; }
# which share of the decisions the service made during a run the rules evaluated (the rest came
# from the memo; in the mixed run, the new requests beside count too); empty without decisions
evaluated_share() { # answers before the run
  read -r r0 e0 <<<"$1"; read -r r1 e1 <<<"$(answers)"
  awk -v r="$((r1 - r0))" -v e="$((e1 - e0))" 'BEGIN { if (r + e > 0) printf "evaluated %.1f%%", 100 * e / (r + e) }'
}

run() { # name, connections, wrk args...
  local name=$1 conns=$2; shift 2
  local out before
  before=$(answers)
  out=$(wrk -t$((conns < 2 ? conns : 2)) -c"$conns" -d"${secs}s" --latency "$@")
  local rps p50 p99
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  local errs
  errs=$(awk '/Non-2xx|Socket errors/ {print}' <<<"$out" | tr '\n' ' ')
  printf '%-28s c=%-3s %10s req/s  p50 %-9s p99 %-9s %s%s\n' "$name" "$conns" "$rps" "$p50" "$p99" "$errs" "$(evaluated_share "$before")"
  echo "$rps" > "/tmp/bench-$name-$conns"
}
# warm up the JIT on the three paths (without the batch one its p99 was the JIT's: 200-250 ms
# against 25-30 ms once warm). The decide warm-up runs 20 s at 64 connections: after 5-8 s at 16
# the C2 compiler still used a third of a core through the measured run (4.3 s of CPU in 12 s).
wrk -t2 -c64 -d${BENCH_WARMUP_SECS:-20}s -s bench/decide.lua "http://localhost:$port" >/dev/null
wrk -t2 -c16 -d3s "http://localhost:$port/q/health/live" >/dev/null
wrk -t2 -c16 -d3s -s bench/batch.lua "http://localhost:$port" >/dev/null
wrk -t2 -c64 -d10s -s bench/decide-new.lua "http://localhost:$port" >/dev/null
for c in 16 64; do
  run floor-health-live $c "http://localhost:$port/q/health/live"
  run decide $c -s bench/decide.lua "http://localhost:$port"
  floor=$(cat /tmp/bench-floor-health-live-$c); dec=$(cat /tmp/bench-decide-$c)
  awk -v f="$floor" -v d="$dec" -v c="$c" 'BEGIN {printf "decide / floor at c=%s: %.2f\n", c, d / f}'
done
run batch-100-models 16 -s bench/batch.lua "http://localhost:$port"
awk -v r="$(cat /tmp/bench-batch-100-models-16)" 'BEGIN {printf "batch: %.0f models/s\n", r * 100}'
# requests the service has not answered before, each evaluated by the rules (bench/decide-new.lua)
run decide-new 64 -s bench/decide-new.lua "http://localhost:$port"
# one client's batches of 100 new requests (bench/batch-new.lua): a dashboard after an edit of the rules
run batch-100-new 1 -s bench/batch-new.lua "http://localhost:$port"
awk -v r="$(cat /tmp/bench-batch-100-new-1)" 'BEGIN {printf "batch of new requests: %.0f models/s\n", r * 100}'
# repeated requests while new ones stream in beside them: what a remembered answer waits
mix=$(mktemp)
wrk -t1 -c32 -d"${secs}s" --latency -s bench/decide-new.lua "http://localhost:$port" >"$mix" &
run decide-beside-new 32 -s bench/decide.lua "http://localhost:$port"
wait $!
printf '%-28s c=%-3s %10s req/s  p50 %-9s p99 %-9s\n' "  (the new ones beside)" 32 "$(awk '/Requests\/sec/ {print $2}' "$mix")" \
  "$(awk '$1=="50%" {print $2}' "$mix")" "$(awk '$1=="99%" {print $2}' "$mix")"
rm -f "$mix"
# the service's resident memory now and its peak so far (VmRSS, VmHWM), in MB
mb() { awk -v k="$1:" '$1 == k {printf "%.0f MB", $2/1024}' /proc/$pid/status; }
echo "resident memory after load: $(mb VmRSS), peak $(mb VmHWM)"
# 64 clients sending batches of 1,000 items, the most the API takes (3 MB of answer each): the
# service answers what it has room for and refuses the rest with 503 (gpu.batch.*); nothing else
# may fail. wrk resends a refused batch at once, whatever Retry-After says.
other5xx() { curl -fs "localhost:$port/q/metrics" | awk '/^http_server_requests_seconds_count/ && /status="5/ && !/status="503"/ {n += $2} END {print n + 0}'; }
failed_before=$(other5xx)
out=$(BATCH_ITEMS=1000 wrk -t2 -c64 -d"${secs}s" -s bench/batch.lua "http://localhost:$port")
sent=$(awk '/requests in/ {print $1}' <<<"$out")
refused=$(awk '/Non-2xx/ {print $5}' <<<"$out")
awk -v n="$sent" -v r="${refused:-0}" -v s="$secs" -v f="$(( $(other5xx) - failed_before ))" 'BEGIN {
  printf "batches of 1000 at c=64: %.0f answered/s (%.0f models/s), %.0f refused/s (503), %d other 5xx\n", (n - r) / s, (n - r) * 1000 / s, r / s, f }'
echo "resident memory after large batches: $(mb VmRSS), peak $(mb VmHWM)"

# activation latency: change a rules file, wait until the new version answers
for i in 1 2 3 4 5; do
  before=$(curl -fs "localhost:$port/v1/rules" | sed -E 's/.*"active":\{"version":"([^"]+)".*/\1/')
  t0=$(date +%s%N)
  printf '\n# bench edit %s %s\n' "$i" "$t0" >> "$rules/settings.properties"
  until now=$(curl -fs "localhost:$port/v1/rules" | sed -E 's/.*"active":\{"version":"([^"]+)".*/\1/') && [ "$now" != "$before" ]; do
    sleep 0.01
  done
  echo "activation after a change: $(( ($(date +%s%N) - t0) / 1000000 )) ms"
done
# the activations compile rules beside the grown heap: the peak over the whole run, not only the load
echo "resident memory after the activations: $(mb VmRSS), peak over the whole run $(mb VmHWM)"
