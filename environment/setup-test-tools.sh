#!/usr/bin/env bash
# Installs the Debian tools that some tests need, only when missing. Safe to run repeatedly.
# Tests that need a tool which is still missing fail loudly with the tool's name; they never pass silently.
set -euo pipefail
# command -> Debian package
declare -A tools=([sbatch]=slurm-wlm [slurmctld]=slurm-wlm [flock]=util-linux [chromium]=chromium)
need=()
for cmd in "${!tools[@]}"; do
  command -v "$cmd" >/dev/null 2>&1 || need+=("${tools[$cmd]}")
done
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "environment/setup-test-tools.sh: missing ${need[*]}; install them as root: apt-get install -y ${need[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
apt-get install -y -q "${need[@]}" >/dev/null
