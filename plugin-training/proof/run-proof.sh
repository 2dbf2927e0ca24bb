#!/usr/bin/env bash
# Proof that stage 1 learns, on the CPU, from real faces (face-api's demo photos):
#   1. clips with known head motion inside a fixed framing (FaceClipMaker: roll up to 15 deg, yaw up
#      to 10 deg, shift and zoom 1.5x the default), 4 identities held out;
#   2. the small preset trained on the others in 'framed' mode (the head's motion is carried by the
#      pose from the face pipeline, as in the paper), config framed-small.json;
#   3. evaluation against the copy-the-source baseline on the held-out clips and on the training clips.
# Usage: plugin-training/proof/run-proof.sh [WORK_DIR] (default /tmp/megaportraits-proof). About 35 min
# on 2 cores. Needs `mvn install` (or ./demo.sh) done once.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
work="${1:-/tmp/megaportraits-proof}"
mkdir -p "$work"
mvn -q -o -f "$root/plugin-training/pom.xml" dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile="$work/classpath.txt" >/dev/null
cp="$root/plugin-training/target/test-classes:$root/plugin-training/target/classes:$(cat "$work/classpath.txt")"
java_() { java -Xmx6g -Dai.djl.offline=true -Dportraits.faceapi.dir="$root/.cache/face-api/package" -cp "$cp" "$@"; }

[ -d "$work/clips/train" ] || java_ org.megaportraits.training.proof.FaceClipMaker "$work/clips" 24 256 4 60 15 10 3 true 1.5
java_ org.megaportraits.training.cli.TrainingMain train base --config "$here/framed-small.json" \
    --data "$work/clips/train" --out "$work/run"
java_ org.megaportraits.training.cli.TrainingMain eval base --checkpoint "$work/run" --data "$work/clips/heldout" \
    --report "$work/eval-heldout/report.json"
java_ org.megaportraits.training.cli.TrainingMain eval base --checkpoint "$work/run" --data "$work/clips/train" \
    --report "$work/eval-train/report.json"
echo "run: $work/run (samples/, loss-curves.png); reports and grids: $work/eval-heldout, $work/eval-train"
