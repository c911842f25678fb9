#!/bin/bash
# pv-guest.t: our kernel as a Xen PV DomU, created by the real xl from the
# test bed's Linux Dom0 (docs/domu.md).  One bed boot runs the cases of
# cases/pv.sh: boot with the selftests and the console loop, xl shutdown,
# xl reboot, xl destroy of a busy guest, an unknown control request, two of
# ours beside a Linux DomU, memory = 4, a site table that fails its checks;
# and cases/smp.sh's pv-vcpus (issue 17): vcpus = 2, maxvcpus = 4, xl
# vcpu-set 4, 1, 3, xl vcpu-list and `cpus` agreeing and repatch 20 clean
# after each, then repatch 400 while xl vcpu-set takes it to 2, 4 and 1,
# xl shutdown.  Each harness check is one TAP line; then the host checks
# each passing guest's pv-summary: selftests all pass, no site left indirect, and the
# text hash equals `pvpatch --backend xen --text-hash` of the image.
set -euo pipefail

cd "$(dirname "$0")/../../.."
. tests/boot/domu/tap.sh
build=${BUILD:-build}
kernel=$build/kernel/kernel.elf
pvpatch=$build/tools/pvpatch
tap_need qemu-system-x86_64 cpio gzip apt-get dpkg-deb readelf od
tap_built "$kernel" "$pvpatch"
out=$build/domu-bed/runs/pv-guest-t
mkdir -p "$out"

# bad_table IN OUT: a copy of IN whose site table header names another
# op-table ABI hash (bytes 12..15 of .pv_table, each byte inverted).
bad_table() {
	local off b new=""
	off=$(readelf -SW "$1" | awk '{ for (i = 1; i < NF; i++)
		if ($i == ".pv_table") print $(i + 3) }')
	[ -n "$off" ] || return 1
	cp "$1" "$2"
	for b in $(od -An -tx1 -j $((0x$off + 12)) -N 4 "$1"); do
		new="$new\\x$(printf '%02x' $((0xff ^ 0x$b)))"
	done
	printf "$new" | dd of="$2" bs=1 seek=$((0x$off + 12)) conv=notrunc \
		status=none
}
if ! bad_table "$kernel" "$out/badtable.elf"; then
	echo "Bail out! cannot find .pv_table in $kernel"
	exit 1
fi

cases="pv-boot:pv pv-control:pv pv-reboot:pv pv-destroy:pv pv-nostore:pv
pv-small:pv pv-badtable:pvbad pv-two:pv,linux pv-vcpus:pv"
# shellcheck disable=SC2046
tap_run_domu "$out" --timeout 900 \
	--guest "pv=$kernel:selftest" --guest "pvbad=$out/badtable.elf" \
	--linux $(printf -- '--test %s ' $cases)
tap_serial "$out"

for dom in pv-boot pv-a pv-b; do
	s=$(tap_summary "$out/guest-$dom.log" || true)
	# offline, for the CPU the guest's patcher saw
	cpu=$(tap_field "$s" cpu_features)
	want=$("$pvpatch" --text-hash --backend xen --cpu-features "${cpu:-missing}" \
		"$kernel" 2>&1) || want="(pvpatch failed: $want)"
	tap_check_guest "$dom" "$s" xen-pv-domu "$want" pvpatch
done
tap_verdict "$out"
tap_plan
