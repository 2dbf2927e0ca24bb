#!/usr/bin/env bash
# Fetches the pretrained face networks used by plugin-background: the npm package
# @vladmandic/face-api 1.7.15 (MIT), with TensorFlow.js weights for face detection, 68 landmarks
# and the 128-d face recognition net, and six demo photos used by the tests.
#
# Usage: scripts/fetch-face-api.sh [target-dir]
#   target-dir defaults to <repo>/.cache/face-api (git-ignored). The package is unpacked into
#   target-dir/package, which is where the code looks by default; elsewhere, point the JVM at it
#   with -Dportraits.faceapi.dir=<target-dir>/package.
# Idempotent: a verified tarball is not fetched again, and an unpacked package is kept.
set -euo pipefail

VERSION=1.7.15
TARBALL="vladmandic-face-api-${VERSION}.tgz"
# sha256 of the published tarball (npm registry, dist.shasum 10cddf5c405f6f52f37605c9ee28c91ac6a23ead)
SHA256=0d77fffeef362ef9c0939cf6c567f3a2e8e177f114fa257a3270cbd2e509b031

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
target="${1:-$repo/.cache/face-api}"
mkdir -p "$target"
cd "$target"

verified() {
  [ -f "$TARBALL" ] && echo "$SHA256  $TARBALL" | sha256sum --check --status
}

if ! verified; then
  command -v npm >/dev/null || { echo "npm is needed to fetch the face networks: install Node.js/npm" >&2; exit 1; }
  rm -f "$TARBALL"
  npm pack "@vladmandic/face-api@${VERSION}" --silent >/dev/null
  if ! verified; then
    echo "checksum mismatch for $target/$TARBALL (expected sha256 $SHA256); removed it" >&2
    rm -f "$TARBALL"
    exit 1
  fi
fi

# unpack into a fresh folder and move it into place, so an interrupted run never leaves half a package
if [ ! -f package/.verified-"$SHA256" ]; then
  rm -rf package.partial package
  mkdir package.partial
  tar -xzf "$TARBALL" -C package.partial
  touch package.partial/package/.verified-"$SHA256"
  mv package.partial/package package
  rmdir package.partial
fi
echo "face-api ${VERSION} ready in $target/package"
