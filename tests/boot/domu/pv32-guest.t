#!/bin/bash
# pv32-guest.t: the i386 image as a 32-bit PV DomU (issue 16): the real xl
# of the Linux Dom0 bed creates it on the source-built PV32 Xen
# (scripts/fetch-xen-src; Debian's refuses 32-bit PV).  cases/pv.sh's
# pv-boot: the selftests pass, the console loop answers through the pty
# (help, sites, xs read domid), xl shutdown powers it off through xenstore's
# control/shutdown, xl list -v says so, xl destroy ends it.  The host then
# checks the entry's lines and the pv-summary: no site indirect, and the text
# hash equals `pvpatch --backend xen --text-hash` of the ELF32 image.
set -euo pipefail

cd "$(dirname "$0")/../../.."
. tests/boot/domu/tap.sh
build=${BUILD:-build}
kernel=$build/i386/kernel/kernel.elf
pvpatch=$build/tools/pvpatch
tap_need qemu-system-x86_64 cpio gzip apt-get dpkg-deb
tap_built "$kernel" "$pvpatch"
out=$build/domu-bed/runs/pv32-guest-t
mkdir -p "$out"
if ! xen=$(scripts/fetch-xen-src 2>"$out/fetch-xen-src.stderr"); then
	tap_say "not ok" "scripts/fetch-xen-src: $(tail -n 1 "$out/fetch-xen-src.stderr")"
	tap_plan
	exit 1
fi
tap_run_domu "$out" --timeout 600 --xen "$xen" \
	--guest "pv32=$kernel:selftest" --test "pv-boot:pv32"
tap_serial "$out"
tap_verdict "$out"

log=$out/guest-pv32-boot.log
lines=$( [ -f "$log" ] && tr -d '\r' <"$log" || true)
expect() { # expect ERE DESCRIPTION: one check on the guest's console
	if grep -Eq -- "$1" <<<"$lines"; then
		tap_say ok "pv32: $2"
	else
		tap_say "not ok" "pv32: $2 (no line matching /$1/)"
	fi
}
expect '^xen32: xen-3\.0-x86_32p, domU, [0-9]+ pages, ring 1 \(cs e019\)$' \
	'start_info x86_32p, a DomU, in ring 1 (FLAT_KERNEL_CS)'
expect '^xen32: entry checks pass$' 'the entry checks pass'
expect '^pvkernel: xen-pv-domu platform, .*PV=y' 'kernel_main on the Xen PV DomU platform'
expect '^pv: hypercall sites: ([1-9][0-9]*), inline \1 \(mov \$nr,%eax; int \$0x82\), refused 0$' \
	'every hypercall site inline as int $0x82'
expect '^control: watching control/shutdown' 'the xenstore client watches control/shutdown'
s=$(tap_summary "$log" || true)
cpu=$(tap_field "$s" cpu_features)
want=$("$pvpatch" --text-hash --backend xen --cpu-features "${cpu:-missing}" \
	"$kernel" 2>&1) || want="(pvpatch failed: $want)"
tap_check_guest pv32-boot "$s" xen-pv-domu "$want" pvpatch
tap_plan
