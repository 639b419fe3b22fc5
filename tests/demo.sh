#!/usr/bin/env bash
# The demo behind `make demo`: package this machine's Go toolchain and
# go1.27.3 the way a packager would with gotc — specs for rpmbuild, and
# the same packages built natively, verified and compared — using the
# real RPM tools.
set -euo pipefail
out=${1:-build/demo}
bin=build/bin
mkdir -p "$out/SOURCES"

echo "== upstream-shaped tarballs of the local Go and go1.27.3"
goroot=$(go env GOROOT)
second="$(go env GOMODCACHE)/golang.org/toolchain@v0.0.1-go1.27.3.linux-$(go env GOARCH)"
[ -f "$second/VERSION" ] || (cd /tmp && GOTOOLCHAIN=go1.27.3 go version >/dev/null)
go run ./tests/tools/mktarball -o "$out/SOURCES" "$goroot" "$second" | tee "$out/SOURCES/sums"

echo "== gotc.yaml: examples/gotc.yaml with these tarballs' checksums"
cp examples/gotc.yaml "$out/gotc.yaml"
bash tests/pin-checksums.sh "$out/SOURCES/sums" "$out/gotc.yaml"
"$bin/gotc-spec" validate -c "$out/gotc.yaml"

echo "== gotc-spec gen"
"$bin/gotc-spec" gen -c "$out/gotc.yaml" -o "$out/specs"
"$bin/gotc-spec" gen -c "$out/gotc.yaml" -o "$out/specs" --check && echo "specs up to date"

echo "== gotc-spec macros, mock and srpm"
"$bin/gotc-spec" macros -c "$out/gotc.yaml" -o "$out/macros.gotc"
"$bin/gotc-spec" mock -c "$out/gotc.yaml" -o "$out/mock"
SOURCE_DATE_EPOCH=1763640000 "$bin/gotc-spec" srpm -c "$out/gotc.yaml" --sources "$out/SOURCES" -o "$out/SRPMS-native"
for srpm in "$out"/SRPMS-native/*.src.rpm; do
  printf '%-60s %s\n' "$(basename "$srpm")" "$(rpm -K --nosignature "$srpm" | sed 's/.*: //')"
done

echo "== rpmspec -P and rpmlint"
for spec in "$out"/specs/*.spec; do rpmspec -P "$spec" >/dev/null && echo "rpmspec -P $spec: ok"; done
rpmlint --config tests/rpmlint.toml "$out"/specs/*.spec | grep -v "^=\+ \|^$" || true

echo "== rpmbuild -bb (zstd level 3)"
top=$(cd "$out" && pwd)
for spec in "$out"/specs/*.spec; do
  SOURCE_DATE_EPOCH=1763640000 rpmbuild -bb --quiet \
    --define "_topdir $top" --define "_sourcedir $top/SOURCES" \
    --define "_binary_payload w3.zstdio" "$spec" >"$out/$(basename "$spec").log" 2>&1 \
    || { tail -20 "$out/$(basename "$spec").log"; exit 1; }
done
for rpm in "$out"/RPMS/*/*.rpm; do
  printf '%-60s %s\n' "$(basename "$rpm")" "$(rpm -K --nosignature "$rpm" | sed 's/.*: //')"
done

echo "== rpmlint on each series: spec, source package, binary packages"
# gotc's filters for toolchain packages, and tests/rpmlint.toml for the
# Fedora policy Debian's rpmlint lacks (rpmlint takes one -c: a directory).
mkdir -p "$out/rpmlint.d"
cp rpmlint/gotc-toolchain.toml tests/rpmlint.toml "$out/rpmlint.d/"
for spec in "$out"/specs/*.spec; do
  name=$(basename "$spec" .spec)
  rpmlint -c "$out/rpmlint.d" "$spec" "$out"/SRPMS-native/"$name"-*.src.rpm "$out"/RPMS/*/"$name"-*.rpm | tail -1
done
echo "== gotc-rpm build (native, zstd 19)"
rm -rf "$out/native"
SOURCE_DATE_EPOCH=1763640000 "$bin/gotc-rpm" build -c "$out/gotc.yaml" --sources "$out/SOURCES" -o "$out/native" --quiet

echo "== gotc-rpm verify (native and rpmbuild packages, against the config and tarballs)"
# Every finding is shown (warnings too), then the summary line.
"$bin/gotc-rpm" verify -c "$out/gotc.yaml" --sources "$out/SOURCES" --target fedora-43,epel-9 "$out"/native/*.rpm
"$bin/gotc-rpm" verify -c "$out/gotc.yaml" --sources "$out/SOURCES" --target fedora-43,epel-9 "$out"/RPMS/*/*.rpm

echo "== gotc-rpm diff: native vs rpmbuild, package content only"
for rpm in "$out"/native/*.rpm; do
  other=$(ls "$out"/RPMS/*/"$(basename "$rpm")")
  "$bin/gotc-rpm" diff "$rpm" "$other" >/dev/null && echo "$(basename "$rpm"): same content"
done
cat <<EOF

Demo output in $out. Its configuration, examples/gotc.yaml with the
checksums of the tarballs made on this machine, is $out/gotc.yaml; try
  $bin/gotc-rpm build -c $out/gotc.yaml --sources $out/SOURCES -o /tmp/rpms
  $bin/gotc-rpm inspect /tmp/rpms/*.x86_64.rpm
EOF
