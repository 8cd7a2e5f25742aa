#!/usr/bin/env bash
# Installs what the tests need beyond the .NET SDK, only when missing; safe to run repeatedly:
#  - Debian packages: chromium (figures and report PNGs), slurm-wlm (the Slurm sweep on a local cluster), util-linux (flock);
#  - the dotnet tools pinned in .config/dotnet-tools.json: dotnet-repl and Microsoft.dotnet-interactive (the real kernel
#    that runs the notebooks).
# Tests that need a tool which is still missing fail loudly with the tool's name; they never pass silently.
set -euo pipefail
cd "$(dirname "$0")/.."

# command -> Debian package
declare -A tools=([sbatch]=slurm-wlm [slurmctld]=slurm-wlm [flock]=util-linux [chromium]=chromium)
need=()
for cmd in "${!tools[@]}"; do
  command -v "$cmd" >/dev/null 2>&1 || need+=("${tools[$cmd]}")
done
if [ ${#need[@]} -gt 0 ]; then
  mapfile -t need < <(printf '%s\n' "${need[@]}" | sort -u)
  if [ "$(id -u)" -eq 0 ]; then
    as_root=()
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    as_root=(sudo -n)
  else
    echo "environment/setup-test-tools.sh: missing ${need[*]}; install them as root: apt-get install -y ${need[*]}" >&2
    exit 1
  fi
  echo "environment/setup-test-tools.sh: installing ${need[*]} (apt)" >&2
  export DEBIAN_FRONTEND=noninteractive
  "${as_root[@]}" apt-get update -q >/dev/null
  "${as_root[@]}" apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null
fi

# Restores into the NuGet cache; a no-op when the pinned versions are there already.
dotnet tool restore >/dev/null || { echo "environment/setup-test-tools.sh: 'dotnet tool restore' failed (.config/dotnet-tools.json)" >&2; exit 1; }
