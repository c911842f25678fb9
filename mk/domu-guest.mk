# domu-guest.mk: our kernel as a Xen PV DomU in the test bed of domu.mk
# (issue 9; docs/domu.md, "Our kernel as a DomU").
#
#   make run-domu     (a step of make run) build/kernel/kernel.elf started
#                     by `xl create` beside the bed's Linux Dom0: selftests,
#                     the console loop answering through its pty, `xl
#                     shutdown` (the pv-boot case)
#   tests/boot/domu/pv-guest.t   every case of tests/boot/domu/cases/pv.sh
#                     in one bed boot, then the host-side summary checks

.PHONY: run-domu
run-domu: $(BUILD)/kernel/kernel.elf domu-bed
	$(Q)scripts/run-domu --guest pv=$(BUILD)/kernel/kernel.elf:selftest \
		--test pv-boot:pv

RUN_STEPS += run-domu
TESTS += tests/boot/domu/pv-guest.t
