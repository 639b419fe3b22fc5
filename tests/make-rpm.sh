#!/usr/bin/env bash
# make-rpm.sh DIR: builds gotc's own RPMs from gotc.spec with real
# rpmbuild, all of it from the last commit: Source0 is `git archive HEAD`,
# Source1 the modules `go mod vendor` gives for it, and the spec is the
# committed gotc.spec (a change in the work tree is not packaged until it
# is committed). Both tarballs are made reproducibly (sorted, owner root,
# mtime of the commit). The build itself runs offline: -mod=vendor,
# GOPROXY=off.
set -euo pipefail
top=$(mkdir -p "$1" && cd "$1" && pwd)
rm -rf "$top/SOURCES" "$top/SPECS" "$top/vendor-tree" && mkdir -p "$top/SOURCES" "$top/SPECS"
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

SOURCE_DATE_EPOCH=$mtime rpmbuild -ba --nodeps \
  --define "_topdir $top" \
  --define "use_source_date_epoch_as_buildtime 1" \
  --define "clamp_mtime_to_source_date_epoch 1" \
  "$top/SPECS/gotc.spec" >"$top/rpmbuild.log" 2>&1 || { tail -40 "$top/rpmbuild.log"; exit 1; }
find "$top/RPMS" "$top/SRPMS" -name '*.rpm' | sort
