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
build=${BUILD:-build}
kernel=$build/kernel/kernel.elf
pvpatch=$build/tools/pvpatch
if ! why=$(tests/lib/need qemu-system-x86_64 cpio gzip apt-get dpkg-deb); then
	printf '1..1\nnot ok 1 - %s\n' "$why"
	exit 1
fi
for f in "$kernel" "$pvpatch"; do
	[ -x "$f" ] || { echo "Bail out! $f missing (make)"; exit 1; }
done

out=$build/domu-bed/runs/pvh-guest-t
mkdir -p "$out"
n=0
say() { # say ok|not ok DESCRIPTION
	n=$((n + 1))
	echo "$1 $n - $2"
}

log=$out/run-domu.stderr
set +e
scripts/run-domu --quiet --timeout 600 --out "$out" --memory pv=64 \
	--guest "pv=$kernel:selftest" --linux --test pvh-boot:pv \
	--test linux-pvh:linux,tscnative 2>"$log"
rc=$?
set -e

if [ -f "$out/serial.log" ]; then
	while IFS= read -r line; do
		line=${line%$'\r'}
		case $line in
		"domu: ok "*) say ok "${line#domu: ok [0-9]* - }" ;;
		"domu: not ok "*)
			say "not ok" "${line#domu: not ok [0-9]* - }" ;;
		"domu: # "*) echo "${line#domu: }" ;;
		esac
	done < <(grep -a '^domu: ' "$out/serial.log")
fi

glog=$out/guest-pv-pvh.log
field() { # field LINE NAME: a value of the summary's JSON, quotes removed
	echo "$1" | sed -n "s/.*\"$2\":\"\\{0,1\\}\\([^\",}]*\\).*/\\1/p"
}
s=$( [ -f "$glog" ] && tr -d '\r' <"$glog" | grep -a '^pv-summary: ' |
	head -n 1 || true)
insn=$( [ -f "$glog" ] && tr -d '\r' <"$glog" |
	sed -n 's/^pvh: hypercalls by \(vmm\{0,1\}call\),.*/\1/p' | head -n 1 ||
	true)
if [ -z "$s" ]; then
	say "not ok" "pv-pvh: no pv-summary line in $glog"
else
	echo "# pv-pvh: $s"
	case $insn in
	vmmcall) mine=pvh-amd other=pvh-intel ;;
	*) mine=pvh-intel other=pvh-amd ;;
	esac
	cpu=$(field "$s" cpu_features)
	want=$("$pvpatch" --text-hash --backend $mine --cpu-features \
		"${cpu:-missing}" "$kernel" 2>&1) || want="(pvpatch failed: $want)"
	nope=$("$pvpatch" --text-hash --backend $other --cpu-features \
		"${cpu:-missing}" "$kernel" 2>&1) || nope="(pvpatch failed)"
	[ "$(field "$s" platform)" = xen-pvh-domu ] && r=ok || r="not ok"
	say "$r" "pv-pvh: platform xen-pvh-domu"
	[ "$(field "$s" selftests_fail)" = 0 ] &&
		[ "$(field "$s" selftests_pass)" -gt 0 ] && r=ok || r="not ok"
	say "$r" "pv-pvh: selftests all pass ($(field "$s" selftests_pass))"
	[ "$(field "$s" indirect)" = 0 ] && [ "$(field "$s" refused)" = 0 ] &&
		r=ok || r="not ok"
	say "$r" "pv-pvh: no site left indirect or refused"
	hs=$(field "$s" hcall_sites)
	[ "${hs:-0}" -gt 10 ] && [ "$(field "$s" hcall_inline)" = "$hs" ] &&
		r=ok || r="not ok"
	say "$r" "pv-pvh: all $hs hypercall sites inline ($insn)"
	[ "$(field "$s" text_hash)" = "$want" ] && r=ok || r="not ok"
	say "$r" "pv-pvh: text hash $(field "$s" text_hash) = pvpatch --backend $mine's $want"
	[ "$want" != "$nope" ] && r=ok || r="not ok"
	say "$r" "pv-pvh: --backend $other patches otherwise ($nope)"
fi

if [ $rc = 0 ]; then
	say ok "run-domu: $(cat "$out/result")"
else
	say "not ok" "run-domu: $(tail -n 1 "$log")"
	sed 's/^/# /' "$log"
	if [ -f "$out/serial.log" ]; then
		echo "# last lines of $out/serial.log:"
		tail -n 40 "$out/serial.log" | tr -d '\r' | sed 's/^/#   /'
	fi
fi
echo "1..$n"
