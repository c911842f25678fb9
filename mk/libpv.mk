# libpv: the userspace self-patching runtime and its demo.  Objects are
# linked directly (not archived) so the template records always come along.

LIBPV_CFLAGS := $(HOST_CFLAGS) -mno-red-zone -fcf-protection=none -Ilib
LIBPV_OBJS := $(BUILD)/lib/libpv.o $(BUILD)/lib/user_ops.o \
	$(BUILD)/lib/user_irq.o $(BUILD)/lib/alt-user.o $(PV_HOST_OBJS)
LIBPV_LDFLAGS := -Wl,-T,lib/pv-user.ld

$(BUILD)/lib/%.o: lib/%.c lib/libpv.h kernel/paravirt/patch.h include/pv/pvop.h
	@mkdir -p $(@D)
	$(Q)$(CC) $(LIBPV_CFLAGS) -c $< -o $@

$(BUILD)/lib/%.o: lib/%.S include/pv/ops.h
	@mkdir -p $(@D)
	$(Q)$(CC) $(LIBPV_CFLAGS) -c $< -o $@

$(BUILD)/lib/alt-user.o: alt-sites/user.S include/pv/template.h include/pv/ops.h
	@mkdir -p $(@D)
	$(Q)$(CC) $(LIBPV_CFLAGS) -c $< -o $@

$(BUILD)/lib/pv-demo: $(BUILD)/lib/demo.o $(LIBPV_OBJS) lib/pv-user.ld
	$(Q)$(CC) $(LIBPV_CFLAGS) $(LIBPV_LDFLAGS) -o $@ $(BUILD)/lib/demo.o $(LIBPV_OBJS)

ALL += $(BUILD)/lib/pv-demo
TESTS += tests/unit/pv-demo.t

.PHONY: run-demo
run-demo: $(BUILD)/lib/pv-demo
	$(Q)$(BUILD)/lib/pv-demo -v
RUN_STEPS += run-demo
