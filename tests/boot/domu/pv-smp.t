#!/bin/bash
# pv-smp.t: vCPU hotplug of our kernel as a Xen PV DomU under the real xl
# (issue 17, docs/xen.md): vcpus = 2, maxvcpus = 4, then xl vcpu-set 4, 1
# and 3, after each xl vcpu-list and the guest's `cpus` agree within 5 s
# and repatch 20 passes (faults=0 wrong=0); xl shutdown is honoured.  One
# bed boot, the case pv-vcpus of cases/smp.sh; each harness check is one
# TAP line.
set -euo pipefail

cd "$(dirname "$0")/../../.."
. tests/boot/domu/tap.sh
build=${BUILD:-build}
kernel=$build/kernel/kernel.elf
tap_need qemu-system-x86_64 cpio gzip apt-get dpkg-deb
tap_built "$kernel"
out=$build/domu-bed/runs/pv-smp-t
tap_run_domu "$out" --timeout 900 --guest "pv=$kernel" --test pv-vcpus:pv
tap_serial "$out"
tap_verdict "$out"
tap_plan
