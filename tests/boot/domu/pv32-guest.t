#!/bin/bash
# pv32-guest.t: the i386 image as a 32-bit PV DomU (issue 16, stage 3, the
# entry only): the real xl of the Linux Dom0 bed creates it on the source-
# built PV32 Xen (scripts/fetch-xen-src; Debian's refuses 32-bit PV).  The
# harness's boot case waits for "xen32: entry checks pass" on its console
# ring, sees it in xl list, destroys it; then the host checks the lines
# that say what the entry saw (docs/i386.md, "Xen PV32: the entry").
set -euo pipefail

cd "$(dirname "$0")/../../.."
build=${BUILD:-build}
kernel=$build/i386/kernel/kernel.elf
[ -f "$kernel" ] || { echo "Bail out! $kernel missing (make)"; exit 1; }
out=$build/domu-bed/runs/pv32-guest-t
mkdir -p "$out"
log=$out/run-domu.stderr
if ! xen=$(scripts/fetch-xen-src 2>"$log"); then
	echo "not ok 1 - scripts/fetch-xen-src: $(tail -n 1 "$log")"
	echo "1..1"
	exit 0
fi
set +e
scripts/run-domu --quiet --timeout 600 --out "$out" --xen "$xen" \
	--guest "pv32=$kernel" --test "boot:pv32,xen32: entry checks pass,90" \
	2>"$log"
rc=$?
set -e
TAP_FIRST=0 tests/boot/domu/tap-from-run "$out" "$rc" "$log" | tee "$out/tap"
n=$(grep -c '^\(not \)\{0,1\}ok ' "$out/tap" || true)

glog=$out/guest-pv32.log
lines=$( [ -f "$glog" ] && tr -d '\r' <"$glog" || true)
expect() { # expect ERE DESCRIPTION: one check on the guest's console
	n=$((n + 1))
	if grep -Eq -- "$1" <<<"$lines"; then
		echo "ok $n - pv32: $2"
	else
		echo "not ok $n - pv32: $2 (no line matching /$1/ in $glog)"
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
n=$((n + 1))
if grep -q '^xen32: error' <<<"$lines"; then
	echo "not ok $n - pv32: no entry check failed"
else
	echo "ok $n - pv32: no entry check failed"
fi
echo "1..$n"
