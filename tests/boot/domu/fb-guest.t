#!/bin/bash
# fb-guest.t: our DomU's paravirt screen and keyboard (issue 14) through the
# real backends xl starts (QEMU in the bed's Dom0).  One bed boot runs the
# cases of cases/fb.sh: fb-screen (connect, `sites` typed with sendkey,
# screenshots, bench, resize, a refused resize, the backend closing) and
# fb-nodm (no backend ever: says so once, goes on).  Then on the host,
# scripts/fb-shots compares each screenshot with tools/fbrender's image of
# the text the guest printed: pixel for pixel.
set -euo pipefail

cd "$(dirname "$0")/../../.."
. tests/boot/domu/tap.sh
build=${BUILD:-build}
kernel=$build/kernel/kernel.elf
tap_need qemu-system-x86_64 cpio gzip apt-get dpkg-deb
tap_built "$kernel" "$build/tools/fbrender"
out=$build/domu-bed/runs/fb-guest-t
rm -rf "$out"
tap_run_domu "$out" --qemu --timeout 500 \
	--guest "pv=$kernel:selftest" --test fb-screen:pv --test fb-nodm:pv
tap_serial "$out"

# The screenshots against the host's rendering.
glog=$out/guest-pv-fb.log
if scripts/fb-shots "$out" "$glog" >"$out/fb-shots.txt" 2>&1; then r=ok; else r="not ok"; fi
sed 's/^/# /' "$out/fb-shots.txt"
tap_say "$r" "every screenshot equals the host's rendering of the guest's text"
for shot in screen:800x600 resized:640x480; do
	name=${shot%%:*}
	want=${shot#*:}
	got=$(head -c 20 "$out/$name.ppm" 2>/dev/null | tr '\n' ' ' |
		awk '{ print $2 "x" $3 }' || true)
	[ "$got" = "$want" ] && r=ok || r="not ok"
	tap_say "$r" "$name.ppm is $want (got '$got')"
done
# What the first screenshot shows: the live screen, `sites` and its output.
txt=$out/screen.txt
for re in "row 00 1+ \| pvkernel on xen-pv-domu, domain pv-fb" \
	"patch report: [0-9]+ sites, [0-9]+ hold their plan" \
	"selftests: [0-9]+ pass, 0 fail   RESULT: PASS" \
	"\|(pv> )?sites +\|" "sites: ([0-9]+) of \\1 hold their planned bytes"; do
	grep -Eq -- "$re" "$txt" 2>/dev/null && r=ok || r="not ok"
	tap_say "$r" "screen.txt shows '$re'"
done
if [ -f "$out/screen.png" ]; then
	cp "$out/screen.png" "$build/fb-screen.png"
	echo "# screenshot: $build/fb-screen.png"
fi

tap_verdict "$out"
tap_plan
