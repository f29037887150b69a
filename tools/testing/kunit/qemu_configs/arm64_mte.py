# SPDX-License-Identifier: GPL-2.0
#
# arm64 QEMU machine with the Memory Tagging Extension, for KASAN HW_TAGS.
# Works for the generic and sw_tags modes too. Needs QEMU 8 or later:
# QEMU 7.2's MTE emulation makes a HW_TAGS kernel report a bogus
# slab-out-of-bounds during kmem_cache_init() and panic.
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
