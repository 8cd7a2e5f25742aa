#!/usr/bin/env bash
# Installs the Debian tools that some tests need, only when missing. Safe to run repeatedly.
# Tests that need a tool which is still missing fail loudly with the tool's name; they never pass silently.
set -euo pipefail
need=()
# (later issues add: slurm-wlm for the Slurm integration test, chromium for notebook rendering checks)
for entry in "${SSL_ANOMALY_TEST_APT_PACKAGES:-}"; do :; done
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" -ne 0 ]; then
  echo "environment/setup-test-tools.sh: missing ${need[*]}; run as root or install them: apt-get install -y ${need[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
apt-get install -y -q "${need[@]}" >/dev/null
