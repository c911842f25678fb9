# kernel_32.mk: the i386 kernel from the same sources (issue 16): build/i386/
# kernel/ (PV=y) and build/i386/kernel-nopv/ (PV=n), beside the 64-bit ones.
# `make ARCH=i386` builds just these; `make` and `make check` build both.

comma := ,
# -Wa,-mtune=core2: gas pads with the long NOPs (0f 1f) it uses in 64-bit
# code, the ones pv_nops writes, instead of i386's lea forms.
I386_CFLAGS := $(filter-out -mcmodel=kernel -mno-red-zone,$(KERNEL_CFLAGS)) \
	-m32 -march=i686 -mregparm=3 -Wa,-mtune=core2
I386_LDS := kernel/arch/i386/kernel_32.lds
I386_LDFLAGS := -m32 $(filter-out -Wl$(comma)-T$(comma)$(KERNEL_LDS),\
	$(KERNEL_LDFLAGS)) -Wl,-T,$(I386_LDS)

# Shared sources the i386 kernel takes as they are; arch/i386/ has the
# entry code, descriptor tables, PAE paging and CALLEE bodies.  The Xen
# backend comes below (I386_PV_SRCS).
I386_SRCS := boot/pvh.c boot/notes.S \
	core/main.c core/printk.c core/string.c core/cmdline.c \
	core/platform.c core/timer.c core/traps.c core/extable.c \
	core/image.c core/pmm.c core/ksyms.c core/cmdloop.c \
	selftest/selftest.c selftest/ops.c selftest/irq.c \
	selftest/mm.c \
	native/native.c native/mmu.c native/time.c native/serial.c \
	native/pit.c native/platform.c \
	arch/i386/head_32.S arch/i386/entry_32.S arch/i386/gdt_32.c \
	arch/i386/paging_32.c arch/i386/div64_32.c arch/i386/up_32.c \
	bench/bench.c bench/step.c bench/paths.c
I386_PV_SRCS := core/pvboot.c selftest/corrupt.c native/ops.c \
	selftest/patch.c selftest/sites.c bench/patch.c \
	arch/i386/selftest_probe_32.S arch/i386/selftest_native_32.c \
	arch/i386/irq_32.S $(addprefix paravirt/,insn.c nops.c emit.c \
	prefix.c pair.c inline.c plan.c hcall.c poke.c table.c backend.c hash.c \
	names.c)
# The Xen PV32 entry (issue 16): notes, ring-1 entry, hypercall page; it
# checks Xen's layout, then enters kernel/xen's xen_start (docs/i386.md).
I386_PV_SRCS += boot/xen_notes.S arch/i386/xen_head_32.S \
	arch/i386/xen_start_32.c arch/i386/xen_events_32.c \
	arch/i386/xen_entry_32.S arch/i386/xen_console_32.c
# The Xen PV backend, built from kernel/xen/ where a word-size #if does;
# the twins in arch/i386/ where the 64-bit file is assembly or IDT format.
I386_PV_SRCS += $(addprefix xen/,start_info.c console.c shared_info.c \
	bootmem.c evtchn.c time.c mmu.c cpu.c platform.c selftest.c \
	console_ring.c xenbus.c control.c) \
	arch/i386/xen_irq_32.S arch/i386/xen_pte_32.S arch/i386/xen_traps_32.c \
	arch/i386/xen_up_32.c
I386_NOPV_SRCS := core/pvboot_nopv.c paravirt/hash.c paravirt/names.c

I386_KDIR := $(BUILD)/i386/kernel
I386_KDIR_NOPV := $(BUILD)/i386/kernel-nopv
I386_OBJS := $(call kobjs,$(I386_KDIR),$(I386_SRCS) $(I386_PV_SRCS)) \
	$(I386_KDIR)/alt-sites/native_32.o $(I386_KDIR)/alt-sites/xen_32.o
I386_NOPV_OBJS := $(call kobjs,$(I386_KDIR_NOPV),\
	$(I386_SRCS) $(I386_NOPV_SRCS))

$(I386_KDIR)/alt-sites/%.o: alt-sites/%.S
	@mkdir -p $(@D)
	$(Q)$(CC) $(I386_CFLAGS) -c $< -o $@

$(I386_KDIR)/%.o: kernel/%.c
	@mkdir -p $(@D)
	$(Q)$(CC) $(I386_CFLAGS) -c $< -o $@

$(I386_KDIR)/%.o: kernel/%.S
	@mkdir -p $(@D)
	$(Q)$(CC) $(I386_CFLAGS) -c $< -o $@

$(I386_KDIR_NOPV)/%.o: kernel/%.c
	@mkdir -p $(@D)
	$(Q)$(CC) $(I386_CFLAGS) -DPV_NO_PARAVIRT -c $< -o $@

$(I386_KDIR_NOPV)/%.o: kernel/%.S
	@mkdir -p $(@D)
	$(Q)$(CC) $(I386_CFLAGS) -DPV_NO_PARAVIRT -c $< -o $@

# Two links, as kernel.mk's: the second with the symbol table.
define I386_LINK
$(1)/ksyms0.S: kernel/boot/ksyms.sh
	@mkdir -p $$(@D)
	$$(Q)sh kernel/boot/ksyms.sh - 32 >$$@

$(1)/kernel.raw0.elf: $(2) $(1)/ksyms0.o $(I386_LDS)
	$$(Q)$$(CC) $$(I386_LDFLAGS) -o $$@ $(2) $(1)/ksyms0.o

$(1)/ksyms.S: $(1)/kernel.raw0.elf kernel/boot/ksyms.sh
	$$(Q)sh kernel/boot/ksyms.sh $$< 32 >$$@

$(1)/kernel.raw.elf: $(2) $(1)/ksyms.o $(I386_LDS)
	$$(Q)$$(CC) $$(I386_LDFLAGS) -o $$@ $(2) $(1)/ksyms.o

$(1)/ksyms0.o $(1)/ksyms.o: $(1)/%.o: $(1)/%.S
	$$(Q)$$(CC) $$(I386_CFLAGS) -c $$< -o $$@
endef
$(eval $(call I386_LINK,$(I386_KDIR),$(I386_OBJS)))
$(eval $(call I386_LINK,$(I386_KDIR_NOPV),$(I386_NOPV_OBJS)))

$(I386_KDIR)/kernel.elf: $(I386_KDIR)/kernel.raw.elf $(ELFSCAN)
	$(Q)$(ELFSCAN) --emit-table $< -o $@

$(I386_KDIR_NOPV)/kernel.elf: $(I386_KDIR_NOPV)/kernel.raw.elf
	$(Q)cp $< $@

-include $(I386_OBJS:.o=.d) $(I386_NOPV_OBJS:.o=.d)

I386_IMAGES := $(I386_KDIR)/kernel.elf $(I386_KDIR_NOPV)/kernel.elf
ALL += $(I386_IMAGES)
.PHONY: i386
i386: $(I386_IMAGES)

TESTS += $(addprefix tests/boot/i386/,modes.t pv-n.t fault.t mem-2g.t bench.t) tests/tools/elf32.t
# The Xen PV32 Dom0 (issue 16): run-xen boots the source-built PV32 Xen
# (scripts/fetch-xen-src) for the ELF32 image.
TESTS += tests/boot/xen-i386/entry.t
# kernel_main on PV32 Dom0: selftests in the three modes, the text hash.
TESTS += tests/boot/xen-i386/default.t
# The same entry as a PV32 DomU, created by xl in the DomU bed (mk/domu.mk).
TESTS += tests/boot/domu/pv32-guest.t

# make ARCH=i386: the i386 images alone.
ifeq ($(ARCH),i386)
.DEFAULT_GOAL := i386
endif
