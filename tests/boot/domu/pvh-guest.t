#!/bin/bash
# pvh-guest.t: our kernel as a Xen PVH DomU (type = "pvh"), created by the
# real xl from the test bed's Linux Dom0 (docs/pvh.md).  One bed boot runs
# cases/pvh.sh's pvh-boot: the selftests, the console loop (help, sites,
# xs read domid), xl shutdown honoured (SHUTDOWN_poweroff, as xl list -v
# shows); then linux-pvh: Debian's Linux as a PVH DomU with tsc_mode =
# "native" (without it QEMU TCG's rdtscp exit stops its clock: pvh.md).  Each harness check is one TAP line; then the host checks the
# guest's pv-summary: platform xen-pvh-domu, selftests all pass, no site
# left indirect, every hypercall site inline, and the text hash equals
# `pvpatch --backend pvh-amd|pvh-intel --text-hash` (the vendor the guest
# named) and not the other vendor's.
set -euo pipefail

cd "$(dirname "$0")/../../.."
. tests/boot/domu/tap.sh
build=${BUILD:-build}
kernel=$build/kernel/kernel.elf
pvpatch=$build/tools/pvpatch
tap_need qemu-system-x86_64 cpio gzip apt-get dpkg-deb
tap_built "$kernel" "$pvpatch"
out=$build/domu-bed/runs/pvh-guest-t
tap_run_domu "$out" --timeout 600 --memory pv=64 \
	--guest "pv=$kernel:selftest" --linux --test pvh-boot:pv \
	--test linux-pvh:linux,tscnative
tap_serial "$out"

glog=$out/guest-pv-pvh.log
s=$(tap_summary "$glog" || true)
insn=$( [ -f "$glog" ] && tr -d '\r' <"$glog" |
	sed -n 's/^pvh: hypercalls by \(vmm\{0,1\}call\),.*/\1/p' | head -n 1 ||
	true)
case $insn in
vmmcall) mine=pvh-amd other=pvh-intel ;;
*) mine=pvh-intel other=pvh-amd ;;
esac
cpu=$(tap_field "$s" cpu_features)
want=$("$pvpatch" --text-hash --backend $mine --cpu-features \
	"${cpu:-missing}" "$kernel" 2>&1) || want="(pvpatch failed: $want)"
nope=$("$pvpatch" --text-hash --backend $other --cpu-features \
	"${cpu:-missing}" "$kernel" 2>&1) || nope="(pvpatch failed)"
tap_check_guest pv-pvh "$s" xen-pvh-domu "$want" "pvpatch --backend $mine"
if [ -n "$s" ]; then
	hs=$(tap_field "$s" hcall_sites)
	[ "${hs:-0}" -gt 10 ] && [ "$(tap_field "$s" hcall_inline)" = "$hs" ] &&
		r=ok || r="not ok"
	tap_say "$r" "pv-pvh: all $hs hypercall sites inline ($insn)"
	[ "$want" != "$nope" ] && r=ok || r="not ok"
	tap_say "$r" "pv-pvh: --backend $other patches otherwise ($nope)"
fi
tap_verdict "$out"
tap_plan
