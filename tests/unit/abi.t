#!/bin/sh
# abi.t: runs build/tests/unit/test_abi (libpv's hidden calls keep the SysV ABI) with TAP output.
CMOCKA_MESSAGE_OUTPUT=TAP exec build/tests/unit/test_abi
