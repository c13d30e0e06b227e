# The service's JVM flags, one place for docker/entrypoint.sh, bin/train-cds callers and
# bench/http-bench.sh. Why each: a serial collector and a small heap (the service holds a few MB
# of rules and answers; resident memory target 256 MB), C1 only (start-up and rule builds warm up
# in a fraction of the time; the hot path is memoized, so C2's peak speed buys little), bounded
# metaspace and code cache (a leak across reloads fails loudly instead of growing).
JVM_FLAGS="-XX:+UseSerialGC -Xmx160m -Xss512k -XX:TieredStopAtLevel=1 -XX:ReservedCodeCacheSize=48m -XX:MaxMetaspaceSize=160m"
