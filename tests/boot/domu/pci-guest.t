#!/bin/bash
# pci-guest.t: PCI passthrough to our kernel as a Xen PV DomU (issue 20;
# docs/pci.md).  One bed boot with run-domu --edu (QEMU q35, intel-iommu,
# the edu device; Xen iommu=1, Debian's): the case pci-edu of cases/pci.sh
# (pciback, xl pci-assignable-add, pcifront, `pci`, `edu N` by MSI and by
# polling, BAR0 unmapped and mapped again, xl pci-detach).  Each harness
# check is one TAP line; then on the host: the PTE the guest printed for
# BAR0 maps the BAR's machine frame uncached (PCD and PWT).  The guest
# runs without `selftest` (pv-guest.t runs them; here they would only add
# time and their own flakes).
set -euo pipefail

cd "$(dirname "$0")/../../.."
. tests/boot/domu/tap.sh
build=${BUILD:-build}
kernel=$build/kernel/kernel.elf
tap_need qemu-system-x86_64 cpio gzip apt-get dpkg-deb
tap_built "$kernel"
out=$build/domu-bed/runs/pci-guest-t
tap_run_domu "$out" --edu --timeout 900 --guest "pv=$kernel" --test pci-edu:pv
tap_serial "$out"
tap_verdict "$out"

glog=$out/guest-pv-pci.log
# "edu: ... bar0 0xADDR at 0xVA (pte 0xPTE), ..." (edu_say_bound)
bound=$(tr -d '\r' <"$glog" 2>/dev/null | grep -m1 '^edu: .* bar0 0x' || true)
bar=$(echo "$bound" | sed -n 's/.* bar0 0x\([0-9a-f]*\) at .*/\1/p')
pte=$(echo "$bound" | sed -n 's/.*(pte 0x\([0-9a-f]*\)).*/\1/p')
if [ -n "$bar" ] && [ -n "$pte" ] &&
	[ $((0x$pte & 0x18)) = $((0x18)) ] && [ $((0x$pte & 1)) = 1 ] &&
	[ $((0x$pte & 0xffffffffff000)) = $((0x$bar)) ]; then
	tap_say ok "BAR0's PTE 0x$pte: present, PCD|PWT, machine frame of 0x$bar"
else
	tap_say "not ok" "BAR0's PTE '${pte:-none}' (bar0 '${bar:-none}'): want present, PCD|PWT (0x18), the BAR's frame"
fi
tap_plan
