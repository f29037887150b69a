# SPDX-License-Identifier: GPL-2.0
#
# arm64 QEMU machine with the Memory Tagging Extension, for KASAN HW_TAGS.
# Works for the generic and sw_tags modes too. Debian 12's QEMU 7.2 does
# not work for HW_TAGS: its MTE emulation makes the kernel report a bogus
# slab-out-of-bounds during kmem_cache_init() and panic. QEMU 10.0.2
# (Debian bookworm-backports) works; versions in between were not tried.
from ..qemu_config import QemuArchParams

QEMU_ARCH = QemuArchParams(linux_arch='arm64',
			   kconfig='''
CONFIG_ARM64_MTE=y
CONFIG_SERIAL_AMBA_PL011=y
CONFIG_SERIAL_AMBA_PL011_CONSOLE=y''',
			   qemu_arch='aarch64',
			   kernel_path='arch/arm64/boot/Image.gz',
			   kernel_command_line='console=ttyAMA0',
			   extra_qemu_params=['-machine', 'virt,mte=on',
					      '-cpu', 'max,pauth-impdef=on'])
