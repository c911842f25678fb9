#!/bin/sh
# patch32.t: runs the cmocka unit test build/tests/unit/test_patch32 (the
# patcher on i386 code) with TAP output.
CMOCKA_MESSAGE_OUTPUT=TAP exec build/tests/unit/test_patch32
