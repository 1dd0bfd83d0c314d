# Sourced by the bench scripts (mjpeg.sh, mp4.sh, cameras.sh, echo-pairs.sh; run.sh for netty_flags).
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

# netty_flags JAVA: what Netty 4.2 needs on that JDK to run at its best. On JDK 9+ it reaches the
# direct-buffer internals (no-cleaner buffers) only when allowed to; on JDK 24+ it leaves
# sun.misc.Unsafe alone unless the JVM allows its memory access (Netty PR 14943), and falls back to
# slower ByteBuffer paths; 22+ warns about JNI (the epoll transport) without native access.
netty_flags() {
  local feature
  feature="$(feature_of "$1")"
  local flags="-Dio.netty.tryReflectionSetAccessible=true --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/jdk.internal.misc=ALL-UNNAMED"
  if [ "${feature:-0}" -ge 22 ]; then flags="$flags --enable-native-access=ALL-UNNAMED"; fi
  if [ "${feature:-0}" -ge 24 ]; then flags="$flags --sun-misc-unsafe-memory-access=allow"; fi
  echo "$flags"
}
