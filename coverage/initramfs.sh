#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Builds a kernel's /init from one C file (coverage/init.c unless INIT_C is
# given; make bench passes bench/init.c) against TREE's own
# tools/include/nolibc and writes into OUT:
#   init              the static aarch64 binary
#   initramfs.list    its gen_init_cpio list (for CONFIG_INITRAMFS_SOURCE)
#   initramfs.config  the kunitconfig fragment that builds it into a kernel
#                     whose build directory is beside OUT
#
# Usage: coverage/initramfs.sh TREE OUT [INIT_C]
set -eu
die() { echo "coverage: $*" >&2; exit 1; }
[ $# -eq 2 ] || [ $# -eq 3 ] || die "usage: initramfs.sh TREE OUT [INIT_C]"
tree=$(cd "$1" && pwd) || die "no tree $1"
mkdir -p "$2"
out=$(cd "$2" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
init_c=${3:-$here/init.c}
nolibc=$tree/tools/include/nolibc/nolibc.h
[ -f "$nolibc" ] || die "$tree has no tools/include/nolibc"
command -v aarch64-linux-gnu-gcc >/dev/null || die "aarch64-linux-gnu-gcc not found (make setup)"

# A file is only replaced when its content changes: the kernel build
# regenerates the initramfs, and relinks, whenever one of them is newer.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP
update() {
	cmp -s "$tmp/$1" "$out/$1" || mv "$tmp/$1" "$out/$1"
}

# As tools/testing/selftests/rcutorture/bin/mkinitrd.sh builds its init.
aarch64-linux-gnu-gcc -Wall -Werror -Os -static -nostdlib -fno-stack-protector \
	-fno-asynchronous-unwind-tables -fno-ident -include "$nolibc" \
	-o "$tmp/init" "$init_c" -lgcc || die "cannot build $init_c"
update init

cat >"$tmp/initramfs.list" <<LIST
dir /dev 0755 0 0
nod /dev/console 0600 0 0 c 5 1
nod /dev/kmsg 0644 0 0 c 1 11
dir /sys 0755 0 0
file /init $out/init 0755 0 0
LIST
update initramfs.list
# Relative to the kernel's build directory, where the kernel's build runs
# gen_initramfs.sh: pipeline/kernel.py puts OUT beside it. An absolute path
# would end up in autoconf.h, which every object includes, so that no object
# of one checkout could be a ccache hit in another.
printf 'CONFIG_INITRAMFS_SOURCE="../%s/initramfs.list"\n' "$(basename "$out")" \
	>"$tmp/initramfs.config"
update initramfs.config
