# The service's JVM flags, one place for docker/entrypoint.sh and bench/http-bench.sh (which also
# pass them to bin/train-cds). What each setting costs and buys is measured in docs/performance.md.
# - A serial collector and a small heap: the service holds a few MB of rules and answers
#   (resident memory target 256 MB). The young generation is fixed at 32 MB so that batch answers
#   die young: left to grow from a small heap it stays too small, answers are promoted before they
#   are written, and the old generation fills up with full collections.
# - Bounded metaspace and code cache: a class-loader leak across reloads fails loudly.
# - Native memory: two malloc arenas instead of one per thread, and free C heap handed back to
#   the OS every 5 s, so the compiler arenas' peaks (at start and on rebuilds) do not stay
#   resident. -XX:TrimNativeHeapInterval needs JDK 17.0.9 or newer.
# - The JIT, chosen by GPU_JIT:
#   throughput (default): full tiered compilation with doubled compile thresholds (at start the
#     JIT would otherwise take CPU from the rule build it races with), and no C2 for the code
#     that only runs while rules compile or the service boots (jit-directives.json: the DRL
#     parser, the rule compiler, MVEL's parser, class spinning, the zip file system,
#     configuration): C1 code is fast enough there, and leaving C2 out saves CPU at start and
#     makes the service ready sooner. The directives file sits beside this one: /deployments in
#     the image; a checkout sets JVM_FLAGS_DIR=docker. The service runs one event loop per two
#     CPUs with the full JIT and one per CPU with C1 only (see
#     src/main/java/dev/gpuconfig/transport/EventLoops.java). For services that answer much; the
#     default because the service sits on the start-up path of deployments and behind
#     dashboards, where its answers under load count most.
#   fast-start: C1 only. Ready a little sooner, about a third of the throughput. For instances
#     that start often (scale to zero) and answer little.
JVM_FLAGS="-XX:+UseSerialGC -Xms48m -Xmn32m -Xmx128m -Xss512k -XX:ReservedCodeCacheSize=48m -XX:MaxMetaspaceSize=160m \
-XX:TrimNativeHeapInterval=5000"
case "${GPU_JIT:-throughput}" in
  fast-start) JVM_FLAGS="$JVM_FLAGS -XX:TieredStopAtLevel=1" ;;
  throughput)
    JVM_FLAGS="$JVM_FLAGS -XX:CompileThresholdScaling=2"
    # a directives file the JVM cannot read stops it before main, so a missing one is left out
    directives="${JVM_FLAGS_DIR:-/deployments}/jit-directives.json"
    if [ -f "$directives" ]; then
      JVM_FLAGS="$JVM_FLAGS -XX:+UnlockDiagnosticVMOptions -XX:CompilerDirectivesFile=$directives"
    else
      echo "jvm-flags.sh: no $directives, starting without it (set JVM_FLAGS_DIR to its folder)" >&2
    fi ;;
  *) echo "GPU_JIT must be fast-start or throughput, not '$GPU_JIT'" >&2; exit 2 ;;
esac
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
