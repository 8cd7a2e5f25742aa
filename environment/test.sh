#!/usr/bin/env bash
# The README's test command: installs what the tests need when it is missing (environment/setup-test-tools.sh: Debian's
# chromium and Slurm, the dotnet tools of .config/dotnet-tools.json), then runs every test with TRX results in
# TestResults/. Extra arguments go to dotnet test (e.g. --filter).
set -uo pipefail
cd "$(dirname "$0")/.."
bash environment/setup-test-tools.sh || exit 1
exec dotnet test NotebookSupport.sln --logger trx --results-directory TestResults "$@"
