# DomU test bed (docs/domu.md): Xen 4.17 + Debian's Linux 6.1 as Dom0 + the
# real xl toolstack inside QEMU TCG, for guests started with `xl create`.
#
#   make domu-bed     fetch and build it (cached): build/xen/xen,
#                     build/domu-bed/{vmlinuz,dom0-initrd.gz,linux-guest-initrd.gz}
#   make domu-linux   boot the Linux test DomU in it (linux-boot test case)
#   make domu-shell   the bed with a Dom0 shell on the console (interactive)

DOMU_BED := $(BUILD)/domu-bed

.PHONY: domu-bed domu-linux domu-shell
domu-bed: deps
	$(Q)scripts/fetch-xen >/dev/null
	$(Q)scripts/dom0-initrd

domu-linux: domu-bed
	$(Q)scripts/run-domu --linux --test linux-boot

domu-shell: domu-bed
	$(Q)scripts/run-domu --linux --shell

TESTS += tests/boot/domu/linux-guest.t
