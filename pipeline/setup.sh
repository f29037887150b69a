#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Install what the pipeline needs on Debian 12 and check that the QEMU found
# can emulate MTE. Idempotent: installs only what is missing.
#
# Usage: pipeline/setup.sh [--toolchains] [BASE...]
#   --toolchains  also what make toolchains, TOOLCHAIN=llvm and
#                 KUNIT_ARCH=x86_64 need: LLVM 19, sparse and x86_64's QEMU
#                 (about 700 MB installed, most of a cold apt step)
#   BASE          a base whose Debian source is needed
set -eu

die() { echo "setup: $*" >&2; exit 1; }

toolchains=""
if [ "${1:-}" = --toolchains ]; then
	toolchains=yes
	shift
fi

# Packages from the machine's own suites (bookworm).
# libc6-dev-arm64-cross: the UAPI headers nolibc programs (coverage, bench)
# include; gcc-aarch64-linux-gnu only recommends it.
pkgs="make gcc gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu bc flex bison
libc6-dev-arm64-cross
libssl-dev libelf-dev ccache lcov python3 python3-ply python3-git python3-junit.xml git rsync
python3-jsonschema
xz-utils binutils cpio util-linux"
# make toolchains and TOOLCHAIN=llvm: Debian 12's LLVM 19 (LLVM=-19), and
# sparse for make C=2.
[ -n "$toolchains" ] && pkgs="$pkgs clang-19 lld-19 llvm-19 sparse"
for base in "$@"; do
	[ "$base" = 6.12 ] && pkgs="$pkgs linux-source-6.12"
done

missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing="$missing $p"
done

# QEMU must be new enough for MTE; Debian 12's own 7.2 is not. x86_64's
# (KUNIT_ARCH=x86_64, make toolchains) comes from the same suite, as both
# share qemu-system-common; both come from bookworm-backports, so that the
# two never come from different suites.
qemu_major() {
	command -v "$1" >/dev/null 2>&1 || { echo 0; return; }
	"$1" --version | sed -n '1s/.*version \([0-9]*\)\..*/\1/p'
}
need_qemu=""
qemus=qemu-system-aarch64 qemu_pkgs=qemu-system-arm
if [ -n "$toolchains" ]; then
	qemus="$qemus qemu-system-x86_64" qemu_pkgs="$qemu_pkgs qemu-system-x86"
fi
for q in $qemus; do
	[ "$(qemu_major "$q")" -ge 8 ] 2>/dev/null || need_qemu=yes
done

if [ -z "$missing" ] && [ -z "$need_qemu" ]; then
	exit 0
fi

backports=/etc/apt/sources.list.d/bookworm-backports.sources
if [ "$(id -u)" -ne 0 ]; then
	echo "setup: missing packages; as root, run:" >&2
	[ -n "$need_qemu" ] && [ ! -e "$backports" ] &&
		echo "  printf 'Types: deb\\nURIs: http://deb.debian.org/debian\\nSuites: bookworm-backports\\nComponents: main\\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\\n' > $backports" >&2
	echo "  apt-get update && apt-get install -y$missing" >&2
	[ -n "$need_qemu" ] &&
		echo "  apt-get install -y -t bookworm-backports $qemu_pkgs" >&2
	exit 1
fi

if [ -n "$need_qemu" ] &&
   ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
	cat > "$backports" <<EOS
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOS
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null || die "apt-get update failed"
if [ -n "$missing" ]; then
	echo "setup: installing$missing"
	# shellcheck disable=SC2086
	apt-get install -y -q $missing >/dev/null || die "apt-get install failed:$missing"
fi
if [ -n "$need_qemu" ]; then
	echo "setup: installing $qemu_pkgs from bookworm-backports"
	# shellcheck disable=SC2086
	apt-get install -y -q -t bookworm-backports $qemu_pkgs >/dev/null ||
		die "cannot install $qemu_pkgs from bookworm-backports"
fi
exit 0
