# The service's JVM flags, one place for docker/entrypoint.sh and bench/http-bench.sh (which also
# pass them to bin/train-cds). Measured on 2 cores, figures in docs/performance.md.
# - A serial collector and a small heap: the service holds a few MB of rules and answers
#   (resident memory target 256 MB). The young generation is fixed at 32 MB: left to grow from a
#   32 MB heap it stayed around 10-20 MB, batch answers (100 decisions, 150 KB each) were promoted
#   before they were written, and the old generation filled: 26 full collections of 60-110 ms in
#   a 12 s batch run, p99 68 ms. With -Xmn32m: 4, p99 24 ms, for about 15 MB more resident.
# - Bounded metaspace and code cache: a class-loader leak across reloads fails loudly.
# - Native memory: two malloc arenas instead of one per thread, and free C heap handed back to
#   the OS every 5 s (compiler arenas peak at start and on rebuilds): about 30 MB less resident.
#   -XX:TrimNativeHeapInterval needs JDK 17.0.9 or newer.
# - The JIT, chosen by GPU_JIT:
#   throughput (default): full tiered compilation with doubled compile thresholds (at start the
#     JIT used more CPU than the rule build it raced with). Ready 3.2-4.0 s after the JVM starts,
#     rules activated 0.55-0.73 s after an edit, 30,000-31,600 decisions/s at 64 connections
#     (p99 3.9-4.2 ms with one event loop, below), 265,000-297,000 models/s in batches, about
#     200 MB resident. The default because the service sits on the start-up path of deployments
#     and behind dashboards: its answers under load weigh more than half a second of its own start.
#   fast-start: C1 only. Ready 2.4-2.8 s, activation 0.33-0.45 s, 182 MB resident; about 10,000
#     decisions/s at 64 connections (p99 11 ms: saturated), 138,000-160,000 models/s in batches.
#     For instances that start often (scale to zero) and see light traffic.
JVM_FLAGS="-XX:+UseSerialGC -Xms48m -Xmn32m -Xmx128m -Xss512k -XX:ReservedCodeCacheSize=48m -XX:MaxMetaspaceSize=160m \
-XX:TrimNativeHeapInterval=5000"
case "${GPU_JIT:-throughput}" in
  fast-start) JVM_FLAGS="$JVM_FLAGS -XX:TieredStopAtLevel=1" ;;
  throughput) JVM_FLAGS="$JVM_FLAGS -XX:CompileThresholdScaling=2" ;;
  *) echo "GPU_JIT must be fast-start or throughput, not '$GPU_JIT'" >&2; exit 2 ;;
esac
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
# Vert.x event loops (Quarkus's default is twice the CPUs). A decision takes microseconds on its I/O
# thread. With the throughput JIT one loop per two CPUs answers 30,000 a second, and the other half
# stays for rebuilds, batches (worker threads), the JIT and GC: with four loops on two cores they
# preempted one another mid-batch, and that was the p99 at 64 connections, 8.5-11.6 ms against
# 3.8-4.0 ms with one loop at the same requests per second. C1-compiled code needs both cores:
# fast-start runs one loop per CPU (10,300 decisions/s against 7,200 with one loop, p99 alike).
# Figures in docs/performance.md (round 4). Set QUARKUS_VERTX_EVENT_LOOPS_POOL_SIZE to override,
# for instance to match a CPU quota that the JVM sees but nproc does not.
cpus=$(nproc 2>/dev/null || echo 2)
case "${GPU_JIT:-throughput}" in
  fast-start) loops=$cpus ;;
  *) loops=$(( cpus > 1 ? cpus / 2 : 1 )) ;;
esac
export QUARKUS_VERTX_EVENT_LOOPS_POOL_SIZE="${QUARKUS_VERTX_EVENT_LOOPS_POOL_SIZE:-$loops}"
