#!/bin/bash
# pv32-guest.t: the i386 image as a 32-bit PV DomU (issue 16, stage 3, the
# entry only): the real xl of the Linux Dom0 bed creates it on the source-
# built PV32 Xen (scripts/fetch-xen-src; Debian's refuses 32-bit PV).  The
# harness's boot case waits for "xen32: entry checks pass" on its console
# ring, sees it in xl list, destroys it; then the host checks the lines
# that say what the entry saw (docs/i386.md, "Xen PV32: the entry").
set -euo pipefail

cd "$(dirname "$0")/../../.."
. tests/boot/domu/tap.sh
build=${BUILD:-build}
kernel=$build/i386/kernel/kernel.elf
tap_need qemu-system-x86_64 cpio gzip apt-get dpkg-deb
tap_built "$kernel"
out=$build/domu-bed/runs/pv32-guest-t
mkdir -p "$out"
if ! xen=$(scripts/fetch-xen-src 2>"$out/fetch-xen-src.stderr"); then
	tap_say "not ok" "scripts/fetch-xen-src: $(tail -n 1 "$out/fetch-xen-src.stderr")"
	tap_plan
	exit 1
fi
tap_run_domu "$out" --timeout 600 --xen "$xen" --guest "pv32=$kernel" \
	--test "boot:pv32,xen32: entry checks pass,90"
tap_serial "$out"
tap_verdict "$out"

lines=$( [ -f "$out/guest-pv32.log" ] && tr -d '\r' <"$out/guest-pv32.log" ||
	true)
expect() { # expect ERE DESCRIPTION: one check on the guest's console
	if grep -Eq -- "$1" <<<"$lines"; then
		tap_say ok "pv32: $2"
	else
		tap_say "not ok" "pv32: $2 (no line matching /$1/)"
	fi
}
expect '^xen32: xen-3\.0-x86_32p, domU, [0-9]+ pages, ring 1 \(cs e019\)$' \
	'start_info x86_32p, a DomU, in ring 1 (FLAT_KERNEL_CS)'
expect '^xen32: hypercall sites: ([1-9][0-9]*), inline \1 \(mov \$nr,%eax; int \$0x82\), refused 0$' \
	'every hypercall site inline as int $0x82'
expect '^xen32: M2P f5800000-[0-9a-f]+, .* kernel map ends f0000000$' \
	'Xen owns from 0xf5800000, the kernel map ends below it'
expect '^xen32: L2 behind L3\[3\]: [1-9][0-9]* of [0-9]+ entries from f5800000 present' \
	"the L2 behind L3[3] holds Xen's entries"
expect '^xen32: trap: int3 bounced to ring 1 \(cs e019\), eip xen32_int3_probe\+0x1, returned by iret$' \
	'int3 bounced to ring 1 and back'
expect '^xen32: events: VIRQ_TIMER port [0-9]+, 10 ticks, [0-9]+ upcalls, [0-9]+ blocks in [0-9]+ ms$' \
	'VIRQ_TIMER: 10 ticks through the upcall'
if grep -q '^xen32: error' <<<"$lines"; then
	tap_say "not ok" "pv32: no entry check failed"
else
	tap_say ok "pv32: no entry check failed"
fi
tap_plan
