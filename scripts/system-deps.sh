#!/usr/bin/env bash
# Install the Debian packages the test suite needs, when missing: chromium (real-browser tests
# through Python playwright, never `playwright install`), CJK fonts (PDFs and screenshots), and a
# Java runtime for Spark local mode, and LibreOffice Calc (no GUI, ~200 MB) to open the xlsx exports
# in a test (tests/web/test_exports_libreoffice.py). Idempotent; needs root (or sudo) only when something is missing.
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || need+=(fonts-noto-cjk)
command -v java >/dev/null 2>&1 || need+=(openjdk-17-jre-headless)
command -v soffice >/dev/null 2>&1 || need+=(libreoffice-calc-nogui)
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
echo "installing: ${need[*]}"
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
