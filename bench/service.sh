# Sourced by the scripts of bench/, from the checkout's top: the packaged service with the
# production JVM flags (docker/jvm-flags.sh; docker/Dockerfile sets the same) and the
# class-data-sharing archive bin/train-cds writes beside the jar; BENCH_JAVA_OPTS replaces both.
# start_service starts it on a copy of rules/ on $port, with the extra environment given as
# arguments, and sets rules (the copy), store (an empty outcome store), log, pid and start (ns); the EXIT trap stops it and
# deletes the copy. wait_ready waits for readiness.
jar=target/gpu-config-service-runner.jar
[ -f $jar ] || ./mvnw -q -B package -DskipTests
JVM_FLAGS_DIR=docker . docker/jvm-flags.sh
opts=${BENCH_JAVA_OPTS:-$JVM_FLAGS}
if [ -z "${BENCH_JAVA_OPTS:-}" ]; then
  [ -f target/app-cds.jsa ] && [ target/app-cds.jsa -nt $jar ] || bin/train-cds $jar $opts
  opts="$opts -XX:SharedArchiveFile=target/app-cds.jsa"
fi

start_service() {
  if curl -s -o /dev/null "localhost:$port/"; then
    echo "port $port is in use: stop what listens there or set BENCH_PORT" >&2
    exit 1
  fi
  rules=$(mktemp -d)
  cp -r rules/. "$rules"
  store=$(mktemp -d) # an empty embedded outcome store, thrown away after
  log=$(mktemp)
  start=$(date +%s%N)
  env GPU_RULES_DIR="$rules" GPU_STORE_DIR="$store" GPU_STORE_URL= QUARKUS_HTTP_PORT="$port" "$@" java $opts -jar $jar >"$log" 2>&1 &
  pid=$!
  trap 'kill $pid 2>/dev/null || true; rm -rf "$rules" "$store"' EXIT
}

wait_ready() {
  until curl -fs "localhost:$port/q/health/ready" >/dev/null 2>&1; do
    kill -0 $pid 2>/dev/null || { cat "$log"; exit 1; }
    sleep 0.05
  done
}
