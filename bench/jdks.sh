# Sourced by the bench scripts that measure on two JDKs side by side (mjpeg.sh, mp4.sh, cameras.sh).
# Defines feature_of JAVA (its feature release: 17, 21, 25 ...; nothing if it does not run) and sets
# java17 (JAVA17, default: java on PATH, what bin/socketkit runs) and java21 (JAVA21_HOME's java,
# default: the first JDK 21+ under /usr/lib/jvm; empty when there is none).
# shellcheck shell=bash

feature_of() {
  "$1" -XshowSettings:properties -version 2>&1 \
    | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p' | head -n 1
}

java17="${JAVA17:-java}"
java21=""
if [ -n "${JAVA21_HOME:-}" ]; then
  java21="$JAVA21_HOME/bin/java"
else
  for home in /usr/lib/jvm/*/; do
    feature="$(feature_of "$home/bin/java" 2>/dev/null || true)"
    if [ -n "$feature" ] && [ "$feature" -ge 21 ]; then java21="$home/bin/java"; break; fi
  done
fi
