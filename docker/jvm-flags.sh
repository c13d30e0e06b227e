# The service's JVM flags, one place for docker/entrypoint.sh and bench/http-bench.sh (which also
# pass them to bin/train-cds). Measured on 2 cores, figures in docs/performance.md.
# - A serial collector and a small heap: the service holds a few MB of rules and answers
#   (resident memory target 256 MB). The young generation is fixed at 32 MB: left to grow from a
#   32 MB heap it stayed around 10-20 MB, batch answers (100 decisions, 150 KB each) were promoted
#   before they were written, and the old generation filled: 26 full collections of 60-110 ms in
#   a 12 s batch run, p99 68 ms. With -Xmn32m: 4, p99 24 ms, for about 15 MB more resident.
# - Bounded metaspace and code cache: a class-loader leak across reloads fails loudly.
# - Compile thresholds doubled: at start the two JIT compilers took more CPU (3.2 s) than the rule
#   build they raced with; this got ready about 0.7 s sooner (4.3 -> 3.4-3.7 s) and the hot paths
#   still reach C2 within seconds of load. Delaying C2 further (Tier4 thresholds x10) gained
#   nothing more at start and cost a quarter of the throughput in the first 20 s of load. C1 alone
#   (-XX:TieredStopAtLevel=1) serves a third of the requests per second and rebuilds 3-4x slower.
# - Native memory: two malloc arenas instead of one per thread, and free C heap handed back to
#   the OS every 5 s (compiler arenas peak at start and on rebuilds): about 30 MB less resident.
#   -XX:TrimNativeHeapInterval needs JDK 17.0.9 or newer.
JVM_FLAGS="-XX:+UseSerialGC -Xms48m -Xmn32m -Xmx128m -Xss512k -XX:ReservedCodeCacheSize=48m -XX:MaxMetaspaceSize=160m \
-XX:CompileThresholdScaling=2 -XX:TrimNativeHeapInterval=5000"
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
