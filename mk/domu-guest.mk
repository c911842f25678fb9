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

# Issue 13: the balloon and save/restore (tests/boot/domu/cases/mem.sh).
#   make run-domu-mem (a step of make run) bench/domu-mem --quick: our
#                     guest ballooned 64 -> 40 -> 120 -> 64 MiB, saved and
#                     restored, with the timings as a table
#   tests/boot/domu/pv-mem.t      balloon, save/restore, checkpoint, and
#                     the Linux DomU's mem-set and save/restore, one boot
#   tests/boot/domu/pv-migrate.t  xl migrate, on the Xen of
#                     scripts/fetch-xen-src (CONFIG_SHADOW_PAGING=y)
.PHONY: run-domu-mem
run-domu-mem: $(BUILD)/kernel/kernel.elf domu-bed
	$(Q)bench/domu-mem --quick

RUN_STEPS += run-domu-mem
TESTS += tests/boot/domu/pv-mem.t tests/boot/domu/pv-migrate.t
