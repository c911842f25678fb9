#!/bin/sh
# patch.t: runs the cmocka unit test build/tests/unit/test_patch with TAP output.
CMOCKA_MESSAGE_OUTPUT=TAP exec build/tests/unit/test_patch
