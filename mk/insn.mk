# insn.mk: host tests of the x86 length decoder (kernel/paravirt/insn.c):
# cmocka unit tests, and the differential sweep against Zydis.

INSN_UNIT := $(BUILD)/tests/unit/test_insn
INSN_UNIT_OBJS := $(BUILD)/tests/unit/test_insn.o $(BUILD)/host/paravirt/insn.o
INSN_DIFF := $(BUILD)/tests/tools/insn_diff
INSN_DIFF_OBJS := $(BUILD)/tests/tools/insn_diff.o \
	$(BUILD)/host/paravirt/insn.o
INSN_HDRS := kernel/paravirt/insn.h include/pv/errno.h include/pv/template.h

# The decoder object's rule is in 00-paravirt.mk; it also reads errno.h.
$(BUILD)/host/paravirt/insn.o: include/pv/errno.h

$(BUILD)/tests/unit/test_insn.o: tests/unit/test_insn.c $(INSN_HDRS)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(HOST_CFLAGS) -c $< -o $@

$(BUILD)/tests/tools/insn_diff.o: tests/tools/insn_diff.c $(INSN_HDRS)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(HOST_CFLAGS) -c $< -o $@

$(INSN_UNIT): $(INSN_UNIT_OBJS)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(HOST_LDFLAGS) $(INSN_UNIT_OBJS) -lcmocka -o $@

$(INSN_DIFF): $(INSN_DIFF_OBJS)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(HOST_LDFLAGS) $(INSN_DIFF_OBJS) -lelf -lZydis -o $@

# A real 32-bit binary for the sweep (issue 16): Debian's libc6-i386.
$(BUILD)/i386/libc/libc.so.6: scripts/fetch-libc-i386
	$(Q)scripts/fetch-libc-i386 >/dev/null

ALL += $(INSN_UNIT) $(INSN_DIFF) $(BUILD)/i386/libc/libc.so.6
TESTS += tests/unit/insn.t tests/tools/insn-vs-zydis.t
