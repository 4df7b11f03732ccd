#!/usr/bin/env bash
# Regenerates the README's images: the report's first screen and two charts.
# Needs chromium (apt-get install chromium). Run from anywhere:
#   bash docs/images/regenerate.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
out=target/docs-images
rm -rf "$out"
cargo build --release
./target/release/ehcsim run --quiet --charts --reps 100 --seed 1 --out "$out" \
  scenarios/backlog-recovery-2022.toml docs/images/core-51-fte.toml docs/images/core-56-fte.toml \
  --baseline backlog-recovery-2022
cp "$out/charts/backlog-clearance.png" "$out/charts/overdue-reviews-all.png" \
  "$out/charts/cost-benefit.png" docs/images/
profile=$(mktemp -d)
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$profile" --hide-scrollbars --window-size=1280,1000 \
  --screenshot="$PWD/docs/images/report-first-screen.png" "file://$PWD/$out/report.html"
# The A4 print, for a look at page breaks (not committed): target/docs-images/report.pdf.
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$profile" --no-pdf-header-footer \
  --print-to-pdf="$PWD/$out/report.pdf" "file://$PWD/$out/report.html"
rm -rf "$profile"
echo "wrote docs/images/report-first-screen.png, backlog-clearance.png, overdue-reviews-all.png,"
echo "cost-benefit.png, and $out/report.pdf (the A4 print)"
