#!/bin/sh
# Starts the service, or with "check FOLDER" validates a rules folder and runs its policy tests
# (exit 1 on any problem), the same check as bin/check-rules.
set -e
if [ "${1:-}" = "check" ]; then
  exec java -Djava.util.logging.manager=org.jboss.logmanager.LogManager \
    -cp /deployments/gpu-config-service.jar \
    dev.gpuconfig.check.PolicyCheck "${2:-/deployments/rules}"
fi
. /deployments/jvm-flags.sh
# JAVA_OPTS replaces the shipped flags; the class-data-sharing archive written at image build is
# used when present (a JVM that cannot use it warns once and starts normally).
cds=""
[ -f /deployments/app-cds.jsa ] && cds="-XX:SharedArchiveFile=/deployments/app-cds.jsa"
exec java ${JAVA_OPTS:-$JVM_FLAGS} $cds -jar /deployments/gpu-config-service.jar "$@"
