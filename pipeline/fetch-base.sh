#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Extract the pristine source of a base from Debian's linux-source-BASE
# package into DEST. 6.12 comes from the machine's own suites (installed by
# setup.sh); 7.3 only exists in trixie-backports, which is read through a
# private apt configuration so that no Debian 13 package can reach this
# Debian 12 machine. DEST appears only once it is complete.
#
# Usage: pipeline/fetch-base.sh BASE DEST CACHE_DIR
set -eu

die() { echo "fetch-base: $*" >&2; exit 1; }
[ $# -eq 3 ] || die "usage: fetch-base.sh BASE DEST CACHE_DIR"
base=$1 dest=$2 cache=$3

[ -f "$dest/.pristine" ] && exit 0

tarball=/usr/src/linux-source-$base.tar.xz
if [ ! -f "$tarball" ]; then
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
	deb=$(ls "$apt/deb"/linux-source-"$base"_*.deb 2>/dev/null | tail -n 1)
	if [ -z "$deb" ]; then
		echo "fetch-base: downloading linux-source-$base from trixie-backports"
		apt-get "$@" update >/dev/null ||
			die "cannot read the trixie-backports index"
		(cd "$apt/deb" && apt-get "$@" download "linux-source-$base" >/dev/null) ||
			die "no package linux-source-$base in trixie-backports"
		deb=$(ls "$apt/deb"/linux-source-"$base"_*.deb | tail -n 1)
	fi
	rm -rf "$apt/x"
	dpkg -x "$deb" "$apt/x"
	tarball=$apt/x/usr/src/linux-source-$base.tar.xz
	[ -f "$tarball" ] || die "$deb holds no linux-source-$base.tar.xz"
fi

tmp=$dest.tmp
rm -rf "$tmp"
mkdir -p "$tmp"
echo "fetch-base: extracting $tarball"
tar -xf "$tarball" -C "$tmp" --strip-components=1 ||
	die "cannot extract $tarball"
[ -f "$tmp/Makefile" ] && [ -d "$tmp/mm" ] ||
	die "$tarball is not a kernel source tree"
rm -rf "$dest"
mv "$tmp" "$dest"
echo "linux-source-$base from $tarball" > "$dest/.pristine"
