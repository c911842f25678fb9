# pvh.mk: the kernel as a Xen PVH guest (issue 18; docs/pvh.md): a PVH Dom0
# (Debian's Xen with dom0=pvh, QEMU q35 + intel-iommu) and a PVH DomU
# (xl's type = "pvh" in the DomU bed of domu.mk).  The PVH sources are in
# xen.mk's list; tests/boot/xen-pvh-dom0/*.t are added there.
#
#   make run-pvh      (a step of make run) the image as a PVH Dom0 with
#                     the selftests: native irq/mmu sites, vmcall/vmmcall
#   tests/boot/domu/pvh-guest.t   cases/pvh.sh's pvh-boot in one bed boot,
#                     then the host-side summary and text-hash checks

.PHONY: run-pvh
run-pvh: $(BUILD)/kernel/kernel.elf
	$(Q)scripts/run-xen --pvh selftest

RUN_STEPS += run-pvh
TESTS += tests/boot/domu/pvh-guest.t
