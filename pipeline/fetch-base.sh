#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Extract the pristine source of a base from Debian's linux-source-BASE
# package into DEST. 6.12 comes from the machine's own suites (installed by
# setup.sh); 7.3 only exists in trixie-backports, which is read through a
# private apt configuration so that no Debian 13 package can reach this
# Debian 12 machine; its .deb is downloaded once and kept in CACHE_DIR,
# which pins the version: remove CACHE_DIR/apt/deb to take a newer upload.
#
# DEST/.pristine records the package and its exact version, e.g.
# "linux-source-6.12 6.12.117-1~deb12u1"; a DEST extracted from another
# version is extracted again. DEST appears only once it is complete.
#
# Usage: pipeline/fetch-base.sh BASE DEST CACHE_DIR
set -eu

die() { echo "fetch-base: $*" >&2; exit 1; }
[ $# -eq 3 ] || die "usage: fetch-base.sh BASE DEST CACHE_DIR"
base=$1 dest=$2 cache=$3
pkg=linux-source-$base
tmp=$dest.tmp
trap 'rm -rf "$tmp" "$cache/apt/x"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# The newest of the .debs given, by dpkg's version order.
newest_deb() {
	best="" best_v=""
	for deb in "$@"; do
		[ -f "$deb" ] || continue
		v=$(dpkg-deb -f "$deb" Version)
		if [ -z "$best" ] || dpkg --compare-versions "$v" gt "$best_v"; then
			best=$deb best_v=$v
		fi
	done
	echo "$best"
}

installed=$(dpkg-query -W -f='${Status} ${Version}' "$pkg" 2>/dev/null |
	sed -n 's/^install ok installed //p')
if [ -n "$installed" ]; then
	version=$installed
	tarball=/usr/src/$pkg.tar.xz
	[ -f "$tarball" ] || die "$pkg $version is installed but $tarball is missing"
else
	apt=$cache/apt
	mkdir -p "$apt/lists/partial" "$apt/sources" "$apt/cache" "$apt/deb"
	cat > "$apt/sources/trixie-backports.sources" <<EOS
Types: deb
URIs: http://deb.debian.org/debian
Suites: trixie-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOS
	set -- -o Dir::Etc::SourceList=/dev/null \
		-o Dir::Etc::SourceParts="$apt/sources" \
		-o Dir::State::Lists="$apt/lists" \
		-o Dir::Cache="$apt/cache" \
		-o APT::Sandbox::User=root -q
	deb=$(newest_deb "$apt/deb/${pkg}_"*.deb)
	if [ -z "$deb" ]; then
		echo "fetch-base: downloading $pkg from trixie-backports"
		apt-get "$@" update >/dev/null ||
			die "cannot read the trixie-backports index (network?)"
		apt-cache "$@" show "$pkg" >/dev/null 2>&1 ||
			die "trixie-backports no longer has $pkg: the base cannot be fetched"
		if ! out=$(cd "$apt/deb" && apt-get "$@" download "$pkg" 2>&1); then
			die "cannot download $pkg: $(echo "$out" | tail -n 1)"
		fi
		deb=$(newest_deb "$apt/deb/${pkg}_"*.deb)
	fi
	version=$(dpkg-deb -f "$deb" Version)
	tarball=
fi
want="$pkg $version"

if [ -f "$dest/.pristine" ] && [ "$(cat "$dest/.pristine")" = "$want" ]; then
	exit 0
fi
[ ! -e "$dest" ] || echo "fetch-base: $dest holds $(cat "$dest/.pristine" 2>/dev/null || echo 'an unknown version'); extracting $want"

if [ -z "$tarball" ]; then
	rm -rf "$cache/apt/x"
	dpkg -x "$deb" "$cache/apt/x"
	tarball=$cache/apt/x/usr/src/$pkg.tar.xz
	[ -f "$tarball" ] || die "$deb holds no $pkg.tar.xz"
fi

rm -rf "$tmp"
mkdir -p "$tmp"
echo "fetch-base: extracting $want"
tar -xf "$tarball" -C "$tmp" --strip-components=1 ||
	die "cannot extract $tarball"
[ -f "$tmp/Makefile" ] && [ -d "$tmp/mm" ] ||
	die "$tarball is not a kernel source tree"
echo "$want" > "$tmp/.pristine"
rm -rf "$dest"
mv "$tmp" "$dest"
