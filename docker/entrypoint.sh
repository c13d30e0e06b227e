#!/bin/sh
# Starts the service, or with "check FOLDER" validates a rules folder and runs its policy tests
# (exit 1 on any problem), the same check as bin/check-rules.
set -e
if [ "${1:-}" = "check" ]; then
  exec java -Djava.util.logging.manager=org.jboss.logmanager.LogManager \
    -cp "/deployments/app/*:/deployments/lib/boot/*:/deployments/lib/main/*" \
    dev.gpuconfig.check.PolicyCheck "${2:-/deployments/rules}"
fi
exec java $JAVA_OPTS -jar /deployments/quarkus-run.jar "$@"
