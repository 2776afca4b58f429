#!/usr/bin/env bash
# Install townsgis with its test and boundaries extras into .venv and run the whole test suite.
# The browser, PDF and database tests need Debian's chromium, poppler-utils, a CJK font
# (fonts-noto-cjk, for screenshots of Chinese pages) and PostgreSQL with PostGIS (the server
# extension, postgresql-postgis); this script installs them with apt-get when they are
# missing (as root, or through sudo). The database
# tests start a throwaway PostgreSQL cluster on a Unix socket for the session
# (scripts/pg_test_cluster.sh, through tests/pgserver.py), or use the server named by
# TOWNSGIS_TEST_PG_DSN=postgresql://...; without a server they fail, they are not skipped.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
fc-list 2>/dev/null | grep -q "Noto Sans CJK" || need+=(fonts-noto-cjk)
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$pg_bin" ] && [ -x "$pg_bin/initdb" ] || need+=(postgresql)
# the server extension: Debian's `postgis` package only recommends it, and recommends are off
ls /usr/share/postgresql/*/extension/postgis.control >/dev/null 2>&1 || need+=(postgresql-postgis)
if ((${#need[@]})); then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "installing system packages: ${need[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"
fi

python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e ".[test,boundaries]"
.venv/bin/ruff check townsgis tests scripts benchmarks
.venv/bin/ruff format --check townsgis tests scripts benchmarks
.venv/bin/python -m pytest "$@"
