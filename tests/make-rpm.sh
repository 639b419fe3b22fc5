#!/usr/bin/env bash
# make-rpm.sh [--srpm] DIR: builds gotc's own RPMs from gotc.spec with
# real rpmbuild, in the rpmbuild tree DIR, all of it from the last
# commit; with --srpm only the source package (rpmbuild -bs), which is
# what .copr/Makefile hands Copr. Source0 is `git archive HEAD`, Source1
# the modules `go mod vendor` gives for it (the only step that may need
# the network), and the spec is the committed gotc.spec (a change in the
# work tree is not packaged until it is committed). Both tarballs are
# made reproducibly (sorted, owner root, mtime of the commit). The build
# itself runs offline: -mod=vendor, GOPROXY=off. Run it from the top of
# a git checkout.
set -euo pipefail
mode=-ba
if [ "${1:-}" = --srpm ]; then mode=-bs; shift; fi
[ $# = 1 ] || { echo "usage: make-rpm.sh [--srpm] DIR" >&2; exit 2; }
top=$(mkdir -p "$1" && cd "$1" && pwd)
rm -rf "$top/SOURCES" "$top/SPECS" "$top/SRPMS" "$top/RPMS" "$top/vendor-tree" && mkdir -p "$top/SOURCES" "$top/SPECS"
git show HEAD:gotc.spec > "$top/SPECS/gotc.spec"
version=$(rpmspec -q --srpm --qf '%{version}' "$top/SPECS/gotc.spec")
name=gotc-$version
mtime=$(git log -1 --format=%ct HEAD)
git archive --format=tar --prefix="$name/" HEAD | gzip -n9 > "$top/SOURCES/$name.tar.gz"

# The vendor tree, from the archived sources (not the work tree).
mkdir -p "$top/vendor-tree"
tar -xzf "$top/SOURCES/$name.tar.gz" -C "$top/vendor-tree"
(cd "$top/vendor-tree/$name" && GOFLAGS=-mod=mod go mod vendor)
tar -C "$top/vendor-tree" --sort=name --mtime="@$mtime" --owner=0 --group=0 --numeric-owner \
  -cf - "$name/vendor" | gzip -n9 > "$top/SOURCES/$name-vendor.tar.gz"
rm -rf "$top/vendor-tree"

SOURCE_DATE_EPOCH=$mtime rpmbuild "$mode" --nodeps \
  --define "_topdir $top" \
  --define "use_source_date_epoch_as_buildtime 1" \
  --define "clamp_mtime_to_source_date_epoch 1" \
  "$top/SPECS/gotc.spec" >"$top/rpmbuild.log" 2>&1 || { tail -40 "$top/rpmbuild.log"; exit 1; }
find "$top" \( -path "$top/SRPMS/*.rpm" -o -path "$top/RPMS/*.rpm" \) | sort
