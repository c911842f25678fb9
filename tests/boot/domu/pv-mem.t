#!/bin/bash
# pv-mem.t: the memory balloon, save/restore and checkpoint of our kernel as
# a Xen PV DomU under the real xl (issue 13; docs/domu.md), with Debian's
# Linux DomU through the same mem-set and save/restore as the reference,
# all in one bed boot on Debian's Xen: the cases pv-balloon, pv-save,
# pv-save-ballooned, pv-checkpoint (cases/mem.sh) and linux-mem.  Each
# harness check is one TAP line; the figures the cases measure are copied
# as comments.  Then, on the host: the text hash the guest printed after
# each resume equals `pvpatch --backend xen --text-hash` of the image.
# Live migration needs another Xen: pv-migrate.t.
set -euo pipefail

cd "$(dirname "$0")/../../.."
. tests/boot/domu/tap.sh
build=${BUILD:-build}
kernel=$build/kernel/kernel.elf
pvpatch=$build/tools/pvpatch
tap_need qemu-system-x86_64 cpio gzip apt-get dpkg-deb
tap_built "$kernel" "$pvpatch"
out=$build/domu-bed/runs/pv-mem-t
tap_run_domu "$out" --timeout 1800 \
	--guest "pv=$kernel:selftest" --linux \
	--test pv-balloon:pv --test pv-save:pv --test pv-save-ballooned:pv \
	--test pv-checkpoint:pv --test linux-mem:linux
tap_serial "$out"
tap_verdict "$out"

want=$("$pvpatch" --text-hash --backend xen "$kernel" 2>&1) ||
	want="(pvpatch failed: $want)"
for dom in pv-save pv-b48 pv-ckpt; do
	hashes=$(tr -d '\r' <"$out/guest-$dom.log" 2>/dev/null |
		sed -n 's/^suspend: text hash \([0-9a-f]*\), .*/\1/p' | sort -u)
	if [ -n "$hashes" ] && [ "$hashes" = "$want" ]; then
		tap_say ok "$dom: text hash after each resume = pvpatch's $want"
	else
		tap_say "not ok" "$dom: text hashes after resume '$(echo $hashes)', pvpatch's $want"
	fi
done
tap_plan
