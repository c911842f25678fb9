# Top-level Makefile: flat, non-recursive.  Each area lists its objects and
# rules in mk/<area>.mk; this file holds what they share.

SITE_LEN ?= 15
PV ?= y
V ?= 0
BUILD := build

ifeq ($(V),1)
Q :=
else
Q := @
endif

CC := gcc
# -MMD -MP: every host object also depends on the headers it includes.
HOST_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -Iinclude \
	-Ikernel/paravirt -DPV_SITE_LEN=$(SITE_LEN) -MMD -MP
HOST_LDFLAGS :=
# Seals the site table of the kernel and of every libpv program.
ELFSCAN := $(BUILD)/tools/elfscan

# Filled by mk/*.mk: programs to build for `all`, TAP tests for `check`.
ALL :=
TESTS :=
RUN_STEPS :=
BENCH_STEPS :=

.PHONY: all check run bench deps clean
all: deps

deps:
	$(Q)scripts/deps

include $(sort $(wildcard mk/*.mk))
# Header dependencies of host objects (tools, libpv, bench, unit tests).
-include $(shell find $(BUILD) -name '*.d' -not -path '$(BUILD)/kernel*' \
	2>/dev/null)

all: $(ALL)

# One run over every test (as prove -f --timer), then one closing line
# with the test files, checks run, skipped and failed (scripts/run-tests).
check: all
	$(Q)scripts/run-tests $(TESTS)

# make run: each area's step (a run-X target in RUN_STEPS) is a stage, in
# the order a reader wants them: native boot, Xen boot with both patch
# reports side by side, DomU, its memory and screen, demo, bench tables;
# a step not listed here comes last.  scripts/run-stages builds first, runs
# each with its console in build/run/X.log and prints a summary of each
# (scripts/run-summary).  make run STAGES="xen domu" runs only those; V=1
# streams the consoles.
RUN_ORDER := run-native run-xen run-domu run-domu-mem run-fb run-demo \
	run-bench-table
RUN_TARGETS = $(filter $(RUN_STEPS),$(RUN_ORDER)) \
	$(filter-out $(RUN_ORDER),$(RUN_STEPS))
STAGES ?= $(patsubst run-%,%,$(RUN_TARGETS))
run:
	+$(Q)MAKE='$(MAKE)' scripts/run-stages $(if $(filter 1,$(V)),-v) \
		--build $(STAGES)

bench: all $(BENCH_STEPS)

clean:
	rm -rf $(BUILD)
