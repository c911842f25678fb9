# Host tools: elfscan and pvpatch (libelf + Zydis) linked with kernel/paravirt
# built for the host, their fixtures, sanitizer builds and the fuzz harness.

TOOLS_LIBS := -lelf -lZydis
TOOLS_SRCS := elf_image elf_syms disasm json scan_sites scan_unannot \
	scan_inline scan_extable scan_flow scan_flow_insn scan_clobber \
	scan_report scan_linux linux_btf elfscan pvpatch pvpatch_run
TOOLS_HDRS := $(wildcard tools/*.h) kernel/paravirt/patch.h \
	kernel/paravirt/insn.h include/pv/ops.h include/pv/sites.h \
	include/pv/template.h include/pv/errno.h

# PV_HOST_OBJS (kernel/paravirt built for the host) comes from 00-paravirt.mk.
TOOLS_OBJS := $(TOOLS_SRCS:%=$(BUILD)/tools/%.o)

$(BUILD)/tools/%.o: tools/%.c $(TOOLS_HDRS)
	@mkdir -p $(@D)
	$(Q)$(CC) $(HOST_CFLAGS) -c $< -o $@

$(BUILD)/tools/elfscan: $(BUILD)/tools/elfscan_main.o $(TOOLS_OBJS) $(PV_HOST_OBJS)
	$(Q)$(CC) $(HOST_LDFLAGS) -o $@ $^ $(TOOLS_LIBS)

$(BUILD)/tools/pvpatch: $(BUILD)/tools/pvpatch_main.o $(TOOLS_OBJS) $(PV_HOST_OBJS)
	$(Q)$(CC) $(HOST_LDFLAGS) -o $@ $^ $(TOOLS_LIBS)

# Same sources under ASan+UBSan for the mutation test.
ASAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=undefined \
	-fno-omit-frame-pointer
ASAN_OBJS := $(TOOLS_SRCS:%=$(BUILD)/asan/tools/%.o) \
	$(patsubst $(BUILD)/host/paravirt/%,$(BUILD)/asan/paravirt/%,$(PV_HOST_OBJS))

$(BUILD)/asan/tools/%.o: tools/%.c $(TOOLS_HDRS)
	@mkdir -p $(@D)
	$(Q)$(CC) $(HOST_CFLAGS) $(ASAN_FLAGS) -c $< -o $@

$(BUILD)/asan/paravirt/%.o: kernel/paravirt/%.c $(TOOLS_HDRS)
	@mkdir -p $(@D)
	$(Q)$(CC) $(HOST_CFLAGS) $(ASAN_FLAGS) -c $< -o $@

$(BUILD)/asan/elfscan: $(BUILD)/asan/tools/elfscan_main.o $(ASAN_OBJS)
	$(Q)$(CC) $(ASAN_FLAGS) -o $@ $^ $(TOOLS_LIBS)

$(BUILD)/asan/pvpatch: $(BUILD)/asan/tools/pvpatch_main.o $(ASAN_OBJS)
	$(Q)$(CC) $(ASAN_FLAGS) -o $@ $^ $(TOOLS_LIBS)

$(BUILD)/tests/tools/mutate: tests/tools/mutate.c
	@mkdir -p $(@D)
	$(Q)$(CC) $(HOST_CFLAGS) -o $@ $<

# Fixture images: hand-made objects linked like the kernel.
FIX_DIR := $(BUILD)/tests/tools/fixtures
FIX_CFLAGS := -std=gnu11 -O2 -Wall -Wextra -Werror -MMD -MP -Iinclude \
	-DPV_SITE_LEN=$(SITE_LEN) -ffreestanding -fno-pic -fno-pie \
	-mcmodel=kernel -mno-red-zone -fno-asynchronous-unwind-tables \
	-fcf-protection=none -fno-stack-protector
FIX_GOOD := sites backend stubs templates unannot extable
FIX_GOOD_OBJS := $(FIX_GOOD:%=$(FIX_DIR)/%.o)
FIX_LDS := tests/tools/fixtures/fixture.lds

$(FIX_DIR)/%.o: tests/tools/fixtures/%.c include/pv/pvop.h include/pv/ops.h
	@mkdir -p $(@D)
	$(Q)$(CC) $(FIX_CFLAGS) -c $< -o $@

$(FIX_DIR)/%.o: tests/tools/fixtures/%.S include/pv/template.h include/pv/ops.h
	@mkdir -p $(@D)
	$(Q)$(CC) $(FIX_CFLAGS) -c $< -o $@

$(FIX_DIR)/fixture.elf: $(FIX_GOOD_OBJS) $(FIX_LDS)
	$(Q)ld -static -nostdlib -T $(FIX_LDS) -o $@ $(FIX_GOOD_OBJS)

# The good objects plus one bad one each: a site, a template's clobbers,
# a callee-save function calling C.
FIX_BAD := broken tmpl-clobber callee-c flow-cases
$(FIX_BAD:%=$(FIX_DIR)/%.elf): $(FIX_DIR)/%.elf: $(FIX_GOOD_OBJS) \
		$(FIX_DIR)/%.o $(FIX_LDS)
	$(Q)ld -static -nostdlib -T $(FIX_LDS) -o $@ $(FIX_GOOD_OBJS) \
		$(FIX_DIR)/$*.o

# Native sites (include/pv/sites.h): good ones, and two broken pairs.
$(FIX_DIR)/native.elf: $(FIX_GOOD_OBJS) $(FIX_DIR)/native.o $(FIX_LDS)
	$(Q)ld -static -nostdlib -T $(FIX_LDS) -o $@ $(FIX_GOOD_OBJS) \
		$(FIX_DIR)/native.o

$(FIX_DIR)/native-bad.elf: $(FIX_GOOD_OBJS) $(FIX_DIR)/native_bad.o $(FIX_LDS)
	$(Q)ld -static -nostdlib -T $(FIX_LDS) -o $@ $(FIX_GOOD_OBJS) \
		$(FIX_DIR)/native_bad.o

# The sealed fixture: what the kernel build does with its own image.
$(FIX_DIR)/fixture-sealed.elf: $(FIX_DIR)/fixture.elf $(BUILD)/tools/elfscan
	$(Q)$(BUILD)/tools/elfscan --emit-table $< -o $@ 2>/dev/null

TOOLS_FIXTURES := $(FIX_DIR)/fixture.elf $(FIX_BAD:%=$(FIX_DIR)/%.elf) \
	$(FIX_DIR)/fixture-sealed.elf $(FIX_DIR)/broken.o \
	$(FIX_DIR)/native.elf $(FIX_DIR)/native-bad.elf

ALL += $(BUILD)/tools/elfscan $(BUILD)/tools/pvpatch $(TOOLS_FIXTURES) \
	$(BUILD)/asan/elfscan $(BUILD)/asan/pvpatch $(BUILD)/tests/tools/mutate
TESTS += tests/tools/elfscan.t tests/tools/pvpatch.t tests/tools/mutate.t \
	tests/tools/elfscan-linux.t

# libFuzzer harness: `make fuzz [FUZZ_TIME=seconds]`, not part of check.
FUZZ_TIME ?= 60
FUZZ_FLAGS := -fsanitize=fuzzer,address,undefined -g -O1
FUZZ_CFLAGS := -std=gnu11 -Wall -Wextra -Iinclude -Ikernel/paravirt -Itools \
	-DPV_SITE_LEN=$(SITE_LEN)
FUZZ_SRCS := $(TOOLS_SRCS:%=tools/%.c) $(wildcard kernel/paravirt/*.c)

$(BUILD)/fuzz/elf-fuzz: tests/fuzz/elf_fuzz.c $(FUZZ_SRCS) $(TOOLS_HDRS)
	@mkdir -p $(@D)
	$(Q)clang $(FUZZ_CFLAGS) $(FUZZ_FLAGS) -o $@ tests/fuzz/elf_fuzz.c \
		$(FUZZ_SRCS) $(TOOLS_LIBS)

.PHONY: fuzz
fuzz: $(BUILD)/fuzz/elf-fuzz $(TOOLS_FIXTURES)
	@mkdir -p $(BUILD)/fuzz/corpus
	$(Q)cp $(TOOLS_FIXTURES) $(BUILD)/fuzz/corpus/
	$(Q)$(BUILD)/fuzz/elf-fuzz -max_total_time=$(FUZZ_TIME) -close_fd_mask=3 \
		-max_len=65536 $(BUILD)/fuzz/corpus
