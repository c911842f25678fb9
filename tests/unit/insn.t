#!/bin/sh
# insn.t: the length decoder's cmocka unit tests (build/tests/unit/test_insn)
# as TAP for prove; run from the repository root.
bin=build/tests/unit/test_insn
if [ ! -x "$bin" ]; then
	echo "Bail out! $bin is not built: run make $bin"
	exit 1
fi
CMOCKA_MESSAGE_OUTPUT=TAP exec "$bin"
