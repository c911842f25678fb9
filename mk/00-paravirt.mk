# kernel/paravirt built for the host: shared by libpv, the tools and the
# unit tests.  The kernel compiles the same sources with its own flags.

PV_SRCS := names nops emit prefix pair inline plan poke hash backend table insn \
	hcall
PV_HOST_OBJS := $(PV_SRCS:%=$(BUILD)/host/paravirt/%.o)

$(BUILD)/host/paravirt/%.o: kernel/paravirt/%.c kernel/paravirt/patch.h \
		kernel/paravirt/insn.h include/pv/ops.h include/pv/sites.h \
		include/pv/template.h
	@mkdir -p $(@D)
	$(Q)$(CC) $(HOST_CFLAGS) -c $< -o $@
