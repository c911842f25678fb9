# fb.mk: the DomU's paravirt screen and keyboard (issue 14; docs/fb.md).
# The guest side is in mk/xen.mk's source list; here the host renderer,
# the test and the make-run step.
#
#   build/tools/fbrender     draws a `screen hold` dump with the kernel's
#                            font and drawing code; compares; PPM -> PNG
#   make run-fb              (a step of make run) our DomU with a vfb:
#                            sites typed on the vkbd, a screenshot saved as
#                            build/fb-screen.png (its path printed)
#   tests/boot/domu/fb-guest.t   the cases of tests/boot/domu/cases/fb.sh

FBRENDER_SRCS := tools/fbrender.c kernel/core/fbtext.c kernel/core/font8x16.c

$(BUILD)/tools/fbrender: $(FBRENDER_SRCS) kernel/core/fbtext.h \
		kernel/core/font8x16.h
	@mkdir -p $(@D)
	$(Q)$(CC) $(HOST_CFLAGS) -Ikernel -o $@ $(FBRENDER_SRCS) -lz

.PHONY: run-fb
run-fb: $(BUILD)/kernel/kernel.elf $(BUILD)/tools/fbrender domu-bed
	$(Q)scripts/fb-run

ALL += $(BUILD)/tools/fbrender
RUN_STEPS += run-fb
TESTS += tests/boot/domu/fb-guest.t

# Host unit test of the drawing code and the keymap, as the kernel has them.
FB_UNIT_SRCS := tests/unit/test_fb.c kernel/core/fbtext.c \
	kernel/core/font8x16.c kernel/xen/keymap.c
$(BUILD)/tests/unit/test_fb: $(FB_UNIT_SRCS) kernel/core/fbtext.h \
		kernel/xen/keymap.h
	@mkdir -p $(@D)
	$(Q)$(CC) $(HOST_CFLAGS) -Ikernel -o $@ $(FB_UNIT_SRCS) -lcmocka
ALL += $(BUILD)/tests/unit/test_fb
TESTS += tests/unit/fb.t
