#!/usr/bin/env bash
# From a fresh clone to a reenacted video in one command:
#   1. builds everything with Maven (tests skipped: `mvn verify` runs them); the build also fetches
#      the face-api package (face networks + demo photos) with npm into .cache/face-api,
#   2. makes a 2-second driver clip with known head motion from one demo photo (sample1.jpg),
#   3. reenacts a face of another demo photo (sample5.jpg) with it: .cache/demo/reenacted.mp4.
# Needs Java 17+, Maven and npm. Extra arguments go to `portraits reenact` (e.g. --device gpu).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

mvn -B -q -DskipTests package

photos=.cache/face-api/package/demo
out=.cache/demo
mkdir -p "$out"
portraits() { java -jar host-sample/target/portraits.jar "$@"; }

# the smiling woman on the right of sample1.jpg, panned, zoomed and rolled along a known path
portraits make-clip --image "$photos/sample1.jpg" --centre 1530,380 --side 560 --size 512 --frames 50 \
  --out "$out/driver.mp4"
portraits probe "$out/driver.mp4"
portraits bundles
portraits reenact --source "$photos/sample5.jpg" --driver "$out/driver.mp4" --out "$out/reenacted.mp4" "$@"
echo "result: $out/reenacted.mp4"
