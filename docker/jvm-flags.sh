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
#     JIT used more CPU than the rule build it raced with), and no C2 for the code that only runs
#     while rules compile or the service boots (jit-directives.json: the DRL parser, the rule
#     compiler, MVEL's parser, class spinning, the zip file system, configuration): C1 code is
#     fast enough there, and without C2 on it a start uses about 0.4 s less CPU and is ready
#     0.1-0.2 s sooner (docs/performance.md, round 6). The directives file sits beside this
#     one: /deployments in the image; a checkout sets JVM_FLAGS_DIR=docker. Ready 1.7-2.2 s
#     after the JVM starts on rules compiled before (the image's, restarts: gpu.rules.cache),
#     2.4-2.7 s compiling them (with the class-data-sharing archive of bin/train-cds),
#     rules activated 0.45-0.7 s after an edit, 30,000-36,000 decisions/s at 64 connections
#     (p99 3.5-4.4 ms with one event loop: the service runs one per two CPUs with the full JIT and
#     one per CPU with C1 only, see src/main/java/dev/gpuconfig/launch/EventLoops.java),
#     260,000-330,000 models/s in batches, about 200 MB resident. The default because the
#     service sits on the start-up path of deployments and behind dashboards, where its answers
#     under load count most.
#   fast-start: C1 only. Ready 1.5-1.6 s (1.8-2.3 s compiling the rules), activation 0.33-0.45 s, 182 MB resident; about 10,000
#     decisions/s at 64 connections (p99 11 ms: saturated), 138,000-160,000 models/s in batches.
#     For instances that start often (scale to zero) and see light traffic.
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
