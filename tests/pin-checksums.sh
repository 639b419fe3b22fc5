#!/usr/bin/env bash
# pin-checksums.sh SUMS CONFIG: rewrites, in CONFIG, the sha256 on the
# line naming each file SUMS lists ("FILE SHA256" lines, as mktarball
# prints them). The demo uses it to make build/demo/gotc.yaml, the
# example with the checksums of the tarballs made on this machine.
set -euo pipefail
sums=$1 config=$2
while read -r file sum; do
  grep -q "file: $file" "$config" || { echo "pin-checksums: $config names no $file" >&2; exit 1; }
  sed -i -E "/file: $file/ s/sha256: \"[0-9a-f]{64}\"/sha256: \"$sum\"/" "$config"
done < "$sums"
