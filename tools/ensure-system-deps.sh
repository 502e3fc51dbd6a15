#!/usr/bin/env bash
# What the test suite needs outside Python: Java 17 and Maven (to fetch and run
# Neo4j 5.26 from Maven Central), Debian's chromium (browser tests) and
# docker-compose 1.29 (the compose file test).
# Installs what is missing when run as root with apt; otherwise says what to
# install and fails: the suite never skips Neo4j or the browser.
set -euo pipefail

missing=()
[ -x /usr/lib/jvm/java-17-openjdk-amd64/bin/java ] || [ -n "${NEO4J_TEST_JAVA:-}" ] || [ -n "${NEO4J_URI:-}" ] \
  || missing+=(openjdk-17-jre-headless)
command -v mvn >/dev/null || [ -n "${NEO4J_URI:-}" ] || missing+=(maven)
[ -x /usr/bin/chromium ] || missing+=(chromium)
# Debian 12's docker-compose 1.29 (what schools run): tests/test_compose.py checks
# that docker-compose.yml works with it (`docker-compose config`, no daemon needed).
command -v docker-compose >/dev/null || missing+=(docker-compose)

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "installing ${missing[*]} with apt-get" >&2
  apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
  exit 0
fi
echo "missing system packages: ${missing[*]} (install them, e.g. sudo apt-get install ${missing[*]})" >&2
exit 1
