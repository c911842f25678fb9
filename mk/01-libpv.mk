# libpv: the userspace self-patching runtime and its demo.  Objects are
# linked directly (not archived) so the template records always come along.
# Read right after 00-paravirt.mk, so every later fragment can use it.

# -mno-red-zone: a site's hidden call pushes below %rsp.
# -mincoming-stack-boundary=3: and it may enter a backend function with %rsp
# only 8-byte aligned; such functions realign when they need 16 (see pvop.h).
LIBPV_CFLAGS := $(HOST_CFLAGS) -mno-red-zone -mincoming-stack-boundary=3 \
	-fcf-protection=none -Ilib
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

# A libpv program is built like the kernel: linked raw, then elfscan checks
# its sites and seals its table.  $(call LIBPV_LINK,OBJS[,LIBS]) in a recipe
# whose prerequisites include $(LIBPV_DEPS).
LIBPV_DEPS = $(LIBPV_OBJS) lib/pv-user.ld $(ELFSCAN)
define LIBPV_LINK
	@mkdir -p $(@D)
	$(Q)$(CC) $(LIBPV_CFLAGS) $(LIBPV_LDFLAGS) -o $@.raw $(1) $(LIBPV_OBJS) $(2)
	$(Q)$(ELFSCAN) --emit-table $@.raw -o $@
	$(Q)rm -f $@.raw
endef

$(BUILD)/lib/pv-demo: $(BUILD)/lib/demo.o $(LIBPV_DEPS)
	$(call LIBPV_LINK,$(BUILD)/lib/demo.o)

ALL += $(BUILD)/lib/pv-demo
TESTS += tests/unit/pv-demo.t

.PHONY: run-demo
run-demo: $(BUILD)/lib/pv-demo
	$(Q)$(BUILD)/lib/pv-demo -v
RUN_STEPS += run-demo
