#!/bin/bash
# linux-guest.t: proves the DomU test bed (docs/domu.md) with a Linux PV DomU
# (Debian's vmlinuz + a busybox initrd) started by the real xl toolstack in a
# Xen 4.17 + Linux Dom0 inside QEMU TCG: scripts/run-domu --linux runs the
# harness test cases linux-boot, linux-reboot and linux-two (which also
# covers xl shutdown) in one boot: four Linux DomU boots.  Each harness check
# becomes one TAP line; the last one is run-domu's verdict (DOMU-RESULT:
# PASS).  About a minute of wall time on an otherwise idle 2-core machine.
set -euo pipefail

cd "$(dirname "$0")/../../.."
. tests/boot/domu/tap.sh
tap_need qemu-system-x86_64 cpio gzip apt-get dpkg-deb
out=${BUILD:-build}/domu-bed/runs/linux-guest-t
tap_run_domu "$out" --timeout 300 --linux \
	--test linux-boot --test linux-reboot --test linux-two
tap_serial "$out"
tap_verdict "$out"
tap_plan
