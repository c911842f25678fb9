# Host unit tests (cmocka) compiled against the production sources.

UNIT_CFLAGS := $(HOST_CFLAGS) -mno-red-zone -fcf-protection=none -Ilib

$(BUILD)/tests/unit/test_patch: tests/unit/test_patch.c $(PV_HOST_OBJS)
	@mkdir -p $(@D)
	$(Q)$(CC) $(UNIT_CFLAGS) -o $@ $^ -lcmocka

$(BUILD)/tests/unit/test_selfpatch: tests/unit/test_selfpatch.c $(LIBPV_DEPS)
	$(call LIBPV_LINK,tests/unit/test_selfpatch.c,-lcmocka)

$(BUILD)/tests/unit/test_patch32: tests/unit/test_patch32.c $(PV_HOST_OBJS)
	@mkdir -p $(@D)
	$(Q)$(CC) $(UNIT_CFLAGS) -o $@ $^ -lcmocka

ALL += $(BUILD)/tests/unit/test_patch $(BUILD)/tests/unit/test_selfpatch \
	$(BUILD)/tests/unit/test_patch32
TESTS += tests/unit/patch.t tests/unit/selfpatch.t tests/unit/patch32.t

$(BUILD)/tests/unit/test_abi: tests/unit/test_abi.c $(LIBPV_DEPS)
	$(call LIBPV_LINK,tests/unit/test_abi.c,-lcmocka)

ALL += $(BUILD)/tests/unit/test_abi
TESTS += tests/unit/abi.t
