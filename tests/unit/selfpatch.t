#!/bin/sh
# selfpatch.t: runs the cmocka unit test build/tests/unit/test_selfpatch with TAP output.
CMOCKA_MESSAGE_OUTPUT=TAP exec build/tests/unit/test_selfpatch
