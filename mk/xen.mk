# xen.mk: the Xen PV backend of the kernel (kernel/xen/, the PV entry and
# notes, alt-sites/xen.S) and its boot tests under Xen 4.17 as Dom0.
#
# kernel.mk includes this file before it fixes its object lists (the
# sources below join the PV=y image only); the wildcard include in the
# Makefile reads it a second time, which the guard makes a no-op.
ifndef XEN_MK_READ
XEN_MK_READ := 1

XEN_KERNEL_SRCS := boot/xen_head.S boot/xen_notes.S \
	xen/start_info.c xen/console.c xen/shared_info.c xen/bootmem.c \
	xen/evtchn.c xen/entry.S xen/traps.c xen/time.c xen/mmu.c xen/pte.S \
	xen/irq.S xen/cpu.c xen/platform.c xen/selftest.c xen/wx.c
# DomU (issue 9): console ring, xenstore client, control/shutdown watch.
XEN_KERNEL_SRCS += xen/console_ring.c xen/xenbus.c xen/control.c
# Balloon and save/restore (issue 13).
XEN_KERNEL_SRCS += xen/balloon.c xen/suspend.c
# Screen and keyboard (issue 14, mk/fb.mk): vfb, vkbd, grants, the font.
XEN_KERNEL_SRCS += xen/gnttab.c xen/front.c xen/fbfront.c xen/fbscreen.c \
	xen/kbdfront.c xen/keymap.c core/fbtext.c core/font8x16.c
# PCI passthrough (issue 20, docs/pci.md): pcifront and the edu driver.
XEN_KERNEL_SRCS += xen/pcifront.c xen/edu.c
# PVH (issue 18): native ops, Xen time/events/console, vmcall/vmmcall.
XEN_KERNEL_SRCS += xen/pvh.c xen/pvh_selftest.c
XEN_ALT_SRCS := xen.S

TESTS += $(sort $(wildcard tests/boot/xen-dom0/*.t))
# PVH Dom0 (issue 18): dom0=pvh, QEMU q35 with intel-iommu.
TESTS += $(sort $(wildcard tests/boot/xen-pvh-dom0/*.t))

# make run: the same image as Dom0 under Xen, with the selftests; then the
# native and the Xen patch reports side by side (run-xen --compare boots
# natively too).  scripts/run-xen fetches Xen on first use.
.PHONY: run-xen
run-xen: $(BUILD)/kernel/kernel.elf
	$(Q)scripts/run-xen --compare selftest
RUN_STEPS += run-xen

endif
