#!/bin/sh
# fb.t: runs the cmocka unit test build/tests/unit/test_fb (the DomU screen's
# drawing and the vkbd keymap) with TAP output.
CMOCKA_MESSAGE_OUTPUT=TAP exec build/tests/unit/test_fb
