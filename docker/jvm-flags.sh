# The service's JVM flags, one place for docker/entrypoint.sh and bench/http-bench.sh (which also
# pass them to bin/train-cds). Why each: a serial collector and a small heap (the service holds a
# few MB of rules and answers; resident memory target 256 MB), bounded metaspace and code cache (a
# class-loader leak across reloads fails loudly instead of growing). Full tiered compilation is
# kept: C1 alone (-XX:TieredStopAtLevel=1) gets ready in 3.0 s instead of about 5 s here, but
# serves a third of the requests per second and rebuilds rules 3-4x slower (docs/performance.md).
JVM_FLAGS="-XX:+UseSerialGC -Xms32m -Xmx128m -Xss512k -XX:ReservedCodeCacheSize=48m -XX:MaxMetaspaceSize=160m"
