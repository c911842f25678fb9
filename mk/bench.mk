# bench.mk: the userspace microbenchmarks in bench/ (per-call cost of an op
# through each dispatch variant; patcher throughput) and `make bench-user`.

BENCH_OUT := $(BUILD)/bench
# Deferred: libpv.mk and paravirt.mk are read after this file.
BENCH_CFLAGS = $(LIBPV_CFLAGS) -Ibench
# (b): every indirect call and jump through a retpoline thunk, as a kernel
# built with CONFIG_RETPOLINE does; returns stay plain.
BENCH_RETPO_FLAGS := -mindirect-branch=thunk -mindirect-branch-register \
	-mfunction-return=keep
BENCH_HDRS := bench/bench.h bench/stats.h bench/json.h lib/libpv.h \
	kernel/paravirt/patch.h include/pv/pvop.h include/pv/ops.h \
	include/pv/sites.h include/pv/template.h
BENCH_OPS_OBJS := $(addprefix $(BENCH_OUT)/,bench_ops.o loops_site.o \
	loops_fptr.o loops_retpo.o loops_ifunc.o names.o stats.o json.o)
BENCH_PATCH_OBJS := $(addprefix $(BENCH_OUT)/,bench_patch.o stats.o json.o)
BENCH_REPORT_OBJS := $(addprefix $(BENCH_OUT)/,bench_report.o names.o json.o)
BENCH_BINS := $(addprefix $(BENCH_OUT)/,bench_ops bench_patch bench_report)

$(BENCH_OUT)/%.o: bench/%.c $(BENCH_HDRS)
	@mkdir -p $(@D)
	$(Q)$(CC) $(BENCH_CFLAGS) -c $< -o $@

$(BENCH_OUT)/loops_retpo.o: bench/loops_fptr.c $(BENCH_HDRS)
	@mkdir -p $(@D)
	$(Q)$(CC) $(BENCH_CFLAGS) $(BENCH_RETPO_FLAGS) \
		-DBENCH_FPTR_TABLE=bench_retpo_loops -c $< -o $@

# libpv's object lists are only known once every fragment is read: expand
# them a second time.  sort drops an object named by both lists.
.SECONDEXPANSION:
$(BENCH_OUT)/bench_ops: $(BENCH_OPS_OBJS) $$(LIBPV_OBJS) $$(PV_HOST_OBJS) \
		lib/pv-user.ld
	$(Q)$(CC) $(BENCH_CFLAGS) $(LIBPV_LDFLAGS) -o $@ $(BENCH_OPS_OBJS) \
		$(sort $(LIBPV_OBJS) $(PV_HOST_OBJS))

$(BENCH_OUT)/bench_patch: $(BENCH_PATCH_OBJS) $$(PV_HOST_OBJS)
	$(Q)$(CC) $(BENCH_CFLAGS) -o $@ $(BENCH_PATCH_OBJS) $(PV_HOST_OBJS)

$(BENCH_OUT)/bench_report: $(BENCH_REPORT_OBJS)
	$(Q)$(CC) $(BENCH_CFLAGS) -o $@ $(BENCH_REPORT_OBJS)

ALL += $(BENCH_BINS)
# The harness's own correctness (every variant computes the same thing);
# timings are never asserted.
TESTS += bench/selfcheck.t

# The in-guest part (bench/guest): the kernels count instructions of hot
# paths by single-step; guest_report makes the tables of their lines.
GUEST_REPORT_OBJS := $(addprefix $(BENCH_OUT)/,guest_report.o guest_out.o \
	json.o)
GUEST_REPORT := $(BENCH_OUT)/guest_report
$(BENCH_OUT)/guest_report.o $(BENCH_OUT)/guest_out.o: bench/guest_report.h
$(GUEST_REPORT): $(GUEST_REPORT_OBJS)
	$(Q)$(CC) $(BENCH_CFLAGS) -o $@ $(GUEST_REPORT_OBJS) -lm
ALL += $(GUEST_REPORT)
GUEST_KERNELS := $(BUILD)/kernel/kernel.elf $(BUILD)/kernel-nopv/kernel.elf

# bench-user: the userspace part alone; bench-guest: the in-guest part
# alone; make bench: bench/run, both, and the merged summary.
.PHONY: bench-user bench-guest bench-all
bench-user: $(BENCH_BINS)
	$(Q)BUILD=$(BUILD) BENCH_GUEST=0 bench/run
bench-guest: $(GUEST_REPORT) $(GUEST_KERNELS)
	$(Q)BUILD=$(BUILD) bench/guest
bench-all: $(BENCH_BINS) $(GUEST_REPORT) $(GUEST_KERNELS)
	$(Q)BUILD=$(BUILD) bench/run
BENCH_STEPS += bench-all
