#!/bin/bash
# pv-guest.t: our kernel as a Xen PV DomU, created by the real xl from the
# test bed's Linux Dom0 (docs/domu.md).  One bed boot runs the cases of
# cases/pv.sh: boot with the selftests and the console loop, xl shutdown,
# xl reboot, xl destroy of a busy guest, an unknown control request, two of
# ours beside a Linux DomU, memory = 4, a site table that fails its checks.
# Each harness check is one TAP line; then the host checks each passing
# guest's pv-summary: selftests all pass, no site left indirect, and the
# text hash equals `pvpatch --backend xen --text-hash` of the image.
set -euo pipefail

cd "$(dirname "$0")/../../.."
build=${BUILD:-build}
kernel=$build/kernel/kernel.elf
pvpatch=$build/tools/pvpatch
if ! why=$(tests/lib/need qemu-system-x86_64 cpio gzip apt-get dpkg-deb readelf od); then
	printf '1..1\nnot ok 1 - %s\n' "$why"
	exit 1
fi
for f in "$kernel" "$pvpatch"; do
	[ -x "$f" ] || { echo "Bail out! $f missing (make)"; exit 1; }
done

out=$build/domu-bed/runs/pv-guest-t
mkdir -p "$out"
n=0
say() { # say ok|not ok DESCRIPTION
	n=$((n + 1))
	echo "$1 $n - $2"
}

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

log=$out/run-domu.stderr
set +e
cases="pv-boot:pv pv-control:pv pv-reboot:pv pv-destroy:pv pv-nostore:pv
pv-small:pv pv-badtable:pvbad pv-two:pv,linux"
# shellcheck disable=SC2046
scripts/run-domu --quiet --timeout 280 --out "$out" \
	--guest "pv=$kernel:selftest" --guest "pvbad=$out/badtable.elf" \
	--linux $(printf -- '--test %s ' $cases) 2>"$log"
rc=$?
set -e

if [ -f "$out/serial.log" ]; then
	# "domu: ok N - ..." -> "ok N - ...", "domu: # ..." -> "# ...".
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

# summary DOM: DOM's pv-summary line, as the guest printed it.
summary() {
	[ -f "$out/guest-$1.log" ] && tr -d '\r' <"$out/guest-$1.log" |
		grep -a '^pv-summary: ' | head -n 1
}
field() { # field LINE NAME: a value of the summary's JSON, quotes removed
	echo "$1" | sed -n "s/.*\"$2\":\"\\{0,1\\}\\([^\",}]*\\).*/\\1/p"
}
for dom in pv-boot pv-a pv-b; do
	s=$(summary "$dom" || true)
	if [ -z "$s" ]; then
		say "not ok" "$dom: no pv-summary line in guest-$dom.log"
		continue
	fi
	echo "# $dom: $s"
	# offline, for the CPU the guest's patcher saw
	cpu=$(field "$s" cpu_features)
	want=$("$pvpatch" --text-hash --backend xen --cpu-features "${cpu:-missing}" \
		"$kernel" 2>&1) || want="(pvpatch failed: $want)"
	[ "$(field "$s" platform)" = xen-pv-domu ] && r=ok || r="not ok"
	say "$r" "$dom: platform xen-pv-domu"
	[ "$(field "$s" selftests_fail)" = 0 ] &&
		[ "$(field "$s" selftests_pass)" -gt 0 ] && r=ok || r="not ok"
	say "$r" "$dom: selftests all pass ($(field "$s" selftests_pass))"
	[ "$(field "$s" indirect)" = 0 ] && [ "$(field "$s" refused)" = 0 ] &&
		r=ok || r="not ok"
	say "$r" "$dom: no site left indirect or refused"
	[ "$(field "$s" text_hash)" = "$want" ] && r=ok || r="not ok"
	say "$r" "$dom: text hash $(field "$s" text_hash) = pvpatch's $want"
done

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
