#!/usr/bin/env bash
# Make PostgreSQL's server binaries available for the store tests (Debian/Ubuntu).
#
# The tests start their own throwaway server from /usr/lib/postgresql/*/bin (initdb +
# pg_ctl, in a temp dir, on a free loopback port; see tests/fakes/postgres.py), so all this
# needs is the package. Nothing is started here and the system cluster is not used.
# With BOT_TEST_POSTGRES_URL set, the tests use that server instead and this does nothing.
set -euo pipefail

if [[ -n "${BOT_TEST_POSTGRES_URL:-}" ]]; then
    echo "postgres-for-tests: using BOT_TEST_POSTGRES_URL"
    exit 0
fi
if compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null; then
    echo "postgres-for-tests: found $(ls -d /usr/lib/postgresql/*/bin | tail -1)"
    exit 0
fi

sudo=""
if [[ "$(id -u)" -ne 0 ]]; then
    sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
# Debian's postinst tries to start the system cluster; without systemd that is allowed to fail.
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends postgresql >/dev/null
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || {
    echo "postgres-for-tests: postgresql installed but initdb not found" >&2
    exit 1
}
if [[ "$(id -u)" -eq 0 ]] && ! id postgres >/dev/null 2>&1; then
    echo "postgres-for-tests: running as root needs the 'postgres' user (initdb refuses root)" >&2
    exit 1
fi
echo "postgres-for-tests: installed $(ls -d /usr/lib/postgresql/*/bin | tail -1)"
