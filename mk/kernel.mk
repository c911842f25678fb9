# kernel.mk: the kernel image, twice: build/kernel/ (PV=y: sites patched at
# boot) and build/kernel-nopv/ (PV=n: ops compiled as native instructions).

KERNEL_CFLAGS := -std=gnu11 -ffreestanding -fno-pic -fno-pie -mcmodel=kernel \
	-mno-red-zone -mno-sse -mno-mmx -mno-avx -fno-stack-protector \
	-fno-asynchronous-unwind-tables -fcf-protection=none -nostdlib -O2 -g \
	-Wall -Wextra -Werror -DPV_SITE_LEN=$(SITE_LEN) -Iinclude \
	-Ikernel/paravirt -Ikernel -MMD -MP
KERNEL_LDS := kernel/boot/kernel.lds
KERNEL_LDFLAGS := -nostdlib -static -no-pie -Wl,-T,$(KERNEL_LDS) \
	-Wl,-z,max-page-size=0x1000 -Wl,-z,noexecstack -Wl,--build-id=none

# Sources of both builds, paths relative to kernel/ (alt-sites/ aside).
KERNEL_SRCS := boot/head.S boot/notes.S boot/pvh.c \
	core/main.c core/printk.c core/string.c core/cmdline.c \
	core/platform.c core/timer.c core/gdt.c core/traps.c core/entry.S \
	core/extable.c core/image.c core/pmm.c core/paging.c core/ksyms.c bench/bench.c \
	selftest/selftest.c selftest/ops.c selftest/irq.c \
	selftest/mm.c core/cmdloop.c \
	native/native.c native/mmu.c native/time.c native/serial.c \
	native/pit.c native/platform.c \
	smp/percpu.c smp/acpi.c smp/lapic.c smp/smp.c smp/trampoline.S
KERNEL_PV_SRCS := core/pvboot.c selftest/corrupt.c selftest/probe.S \
	selftest/patch.c selftest/sites.c \
	native/ops.c \
	native/irq.S paravirt/insn.c paravirt/nops.c paravirt/emit.c \
	paravirt/prefix.c paravirt/pair.c \
	paravirt/inline.c paravirt/plan.c paravirt/hcall.c paravirt/poke.c paravirt/table.c \
	paravirt/backend.c paravirt/hash.c paravirt/names.c smp/textpoke.c \
	smp/repatch.c
# The in-guest bench (docs/bench.md): single-step counter and hot paths
# in both builds, the patch-cost pass in PV=y only.
KERNEL_SRCS += bench/step.c bench/paths.c
KERNEL_PV_SRCS += bench/patch.c
KERNEL_NOPV_SRCS := core/pvboot_nopv.c paravirt/hash.c paravirt/names.c
# Xen PV backend (issue 6): mk/xen.mk lists its sources, so it is read
# here, before the object lists below are fixed.  PV=y image only.
include mk/xen.mk
KERNEL_PV_SRCS += $(XEN_KERNEL_SRCS)

KDIR := $(BUILD)/kernel
KDIR_NOPV := $(BUILD)/kernel-nopv
kobjs = $(patsubst %.S,$(1)/%.o,$(patsubst %.c,$(1)/%.o,$(2)))
KERNEL_OBJS := $(call kobjs,$(KDIR),$(KERNEL_SRCS) $(KERNEL_PV_SRCS)) \
	$(KDIR)/alt-sites/native.o $(XEN_ALT_SRCS:%.S=$(KDIR)/alt-sites/%.o)
KERNEL_NOPV_OBJS := $(call kobjs,$(KDIR_NOPV),\
	$(KERNEL_SRCS) $(KERNEL_NOPV_SRCS))

$(KDIR)/alt-sites/%.o: alt-sites/%.S
	@mkdir -p $(@D)
	$(Q)$(CC) $(KERNEL_CFLAGS) -c $< -o $@

$(KDIR)/%.o: kernel/%.c
	@mkdir -p $(@D)
	$(Q)$(CC) $(KERNEL_CFLAGS) -c $< -o $@

$(KDIR)/%.o: kernel/%.S
	@mkdir -p $(@D)
	$(Q)$(CC) $(KERNEL_CFLAGS) -c $< -o $@

$(KDIR_NOPV)/%.o: kernel/%.c
	@mkdir -p $(@D)
	$(Q)$(CC) $(KERNEL_CFLAGS) -DPV_NO_PARAVIRT -c $< -o $@

$(KDIR_NOPV)/%.o: kernel/%.S
	@mkdir -p $(@D)
	$(Q)$(CC) $(KERNEL_CFLAGS) -DPV_NO_PARAVIRT -c $< -o $@

# Two links: the first, with an empty symbol table, gives the addresses
# for the real one.  .ksyms is the last section, so nothing else moves.
# $(1): build directory, $(2): its objects.
define KERNEL_LINK
$(1)/ksyms0.S: kernel/boot/ksyms.sh
	@mkdir -p $$(@D)
	$$(Q)sh kernel/boot/ksyms.sh - >$$@

$(1)/kernel.raw0.elf: $(2) $(1)/ksyms0.o $(KERNEL_LDS)
	$$(Q)$$(CC) $$(KERNEL_LDFLAGS) -o $$@ $(2) $(1)/ksyms0.o

$(1)/ksyms.S: $(1)/kernel.raw0.elf kernel/boot/ksyms.sh
	$$(Q)sh kernel/boot/ksyms.sh $$< >$$@

$(1)/kernel.raw.elf: $(2) $(1)/ksyms.o $(KERNEL_LDS)
	$$(Q)$$(CC) $$(KERNEL_LDFLAGS) -o $$@ $(2) $(1)/ksyms.o

$(1)/ksyms0.o $(1)/ksyms.o: $(1)/%.o: $(1)/%.S
	$$(Q)$$(CC) $$(KERNEL_CFLAGS) -c $$< -o $$@
endef
$(eval $(call KERNEL_LINK,$(KDIR),$(KERNEL_OBJS)))
$(eval $(call KERNEL_LINK,$(KDIR_NOPV),$(KERNEL_NOPV_OBJS)))

# elfscan validates and sorts the sites and seals the table header (an
# image that skipped this boots with every site indirect, and says so).
$(KDIR)/kernel.elf: $(KDIR)/kernel.raw.elf $(ELFSCAN)
	$(Q)$(ELFSCAN) --emit-table $< -o $@

# PV=n has no sites: nothing to seal.
$(KDIR_NOPV)/kernel.elf: $(KDIR_NOPV)/kernel.raw.elf
	$(Q)cp $< $@

-include $(KERNEL_OBJS:.o=.d) $(KERNEL_NOPV_OBJS:.o=.d)

ALL += $(KDIR)/kernel.elf $(KDIR_NOPV)/kernel.elf
TESTS += $(addprefix tests/boot/native/,default.t nopatch.t noinline.t \
	debug.t text-hash.t mem-64m.t mem-2g.t cpu-qemu64.t cpu-max.t pv-n.t \
	fault.t bench.t smp.t)

# make run: boot with the selftests and show the patch report (PV=n: the
# reference kernel).
KERNEL_RUN := $(if $(filter n,$(PV)),$(KDIR_NOPV),$(KDIR))/kernel.elf
.PHONY: run-native
run-native: $(KERNEL_RUN)
	$(Q)scripts/run-qemu --kernel $(KERNEL_RUN) selftest
RUN_STEPS += run-native
