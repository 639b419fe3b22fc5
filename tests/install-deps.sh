#!/usr/bin/env bash
# Installs the real RPM tools gotc's tests judge against, when missing.
# Debian packages: rpm (rpm, rpmbuild, rpmspec, rpm2cpio), rpmlint,
# createrepo-c, dnf, zstd, cpio, gpg (keys for the signing tests), python3
# (mock configurations are Python), man-db and groff (the man pages are
# rendered with man --warnings), zsh and fish (the completions parse),
# systemd (systemd-analyze verifies the units), make (the units are
# installed with make install), devscripts (checkbashisms, for the
# BashismsCheck Fedora's rpmlint runs) and dash. Needs root (apt-get) only
# when something is missing.
set -euo pipefail
declare -A pkg_of=(
  [rpm]=rpm [rpmbuild]=rpm [rpmspec]=rpm [rpm2cpio]=rpm
  [rpmlint]=rpmlint [createrepo_c]=createrepo-c [dnf]=dnf
  [zstd]=zstd [cpio]=cpio [xz]=xz-utils [bzip2]=bzip2 [gcc]=gcc
  [rpmsign]=rpm [gpg]=gpg [gpg-agent]=gpg-agent [python3]=python3
  [man]=man-db [groff]=groff [tbl]=groff-base [bash]=bash [zsh]=zsh [fish]=fish
  [systemd-analyze]=systemd [make]=make
  [checkbashisms]=devscripts [dash]=dash
)
missing=()
for tool in "${!pkg_of[@]}"; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("${pkg_of[$tool]}")
done
[ ${#missing[@]} -eq 0 ] && exit 0
pkgs=$(printf '%s\n' "${missing[@]}" | sort -u | tr '\n' ' ')
if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: missing Debian packages: $pkgs(run as root, or install them)" >&2
  exit 1
fi
echo "install-deps: installing $pkgs" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $pkgs >/dev/null
