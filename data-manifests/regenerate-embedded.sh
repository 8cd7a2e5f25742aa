#!/usr/bin/env bash
# Rebuilds data-manifests/embedded/ from the embedded dataset's default generation
# (`ssl-anomaly data synth` with its defaults: seed 0, 6000 train / 6000 val / 6000 test frames at 64 px).
# Run after changing the synthetic generator or the selection algorithm; the tests fail until you do.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$here")"
cli=(dotnet run -c Release --project "$repo/lib/SslAnomaly.Cli" --)
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

"${cli[@]}" data synth --out "$work/synth" >/dev/null
train_sha=$(sha256sum "$work/synth/SewerML_Train.csv" | cut -d' ' -f1)
val_sha=$(sha256sum "$work/synth/SewerML_Val.csv" | cut -d' ' -f1)
test_sha=$(sha256sum "$work/synth/SewerML_Test.csv" | cut -d' ' -f1)

out="$here/embedded"
rm -f "$out"/*.json
spec() { # name split pct size sha
  local size_json="$4"; [ -z "$size_json" ] && size_json=null
  local pct_json="$3"; [ "$pct_json" = natural ] && pct_json='"natural"'
  printf '{\n  "name": "%s",\n  "split": "%s",\n  "defect_pct": %s,\n  "size": %s,\n  "seed": 0,\n  "expected_csv_sha256": "%s"\n}\n' \
    "$1" "$2" "$pct_json" "$size_json" "$5" > "$out/$1.spec.json"
  "${cli[@]}" data manifest --spec "$out/$1.spec.json" --data-root "$work/synth" --out "$out/$1.json"
}
for pct in 1 2 5 15 45; do
  tag=$(printf '%02d' "$pct")
  spec "train-${tag}pct" train "$pct" 1000 "$train_sha"
  spec "val-${tag}pct" val "$pct" 3000 "$val_sha"
  spec "test-${tag}pct" test "$pct" 3000 "$test_sha"
done
spec val-natural val natural "" "$val_sha"
spec test-natural test natural "" "$test_sha"
