#!/usr/bin/env bash
# Install townsgis with its test extra into .venv and run the whole test suite.
# The browser and PDF tests need Debian's chromium and poppler-utils; this script installs
# them with apt-get when they are missing (as root, or through sudo).
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
if ((${#need[@]})); then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "installing system packages: ${need[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"
fi

python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e ".[test]"
.venv/bin/ruff check townsgis tests scripts benchmarks
.venv/bin/ruff format --check townsgis tests scripts benchmarks
.venv/bin/python -m pytest "$@"
