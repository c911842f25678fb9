#!/bin/bash
# linux-guest.t: proves the DomU test bed (docs/domu.md) with a Linux PV DomU
# (Debian's vmlinuz + a busybox initrd) started by the real xl toolstack in a
# Xen 4.17 + Linux Dom0 inside QEMU TCG: scripts/run-domu --linux runs the
# harness test cases linux-boot, linux-reboot and linux-two (which also
# covers xl shutdown) in one boot: four Linux DomU boots.  Each harness check
# becomes one TAP line; the last one is run-domu's verdict (DOMU-RESULT:
# PASS).  About a minute of wall time on an otherwise idle 2-core machine.
set -euo pipefail

cd "$(dirname "$0")/../../.."
if ! why=$(tests/lib/need qemu-system-x86_64 cpio gzip apt-get dpkg-deb); then
	printf '1..1\nnot ok 1 - %s\n' "$why"
	exit 1
fi

out=${BUILD:-build}/domu-bed/runs/linux-guest-t
mkdir -p "$out"
log=$out/run-domu.stderr
set +e
scripts/run-domu --quiet --timeout 300 --out "$out" --linux \
	--test linux-boot --test linux-reboot --test linux-two \
	2>"$log"
rc=$?
set -e

n=0
if [ -f "$out/serial.log" ]; then
	# "domu: ok N - ..." -> "ok N - ...", "domu: # ..." -> "# ...".
	while IFS= read -r line; do
		line=${line%$'\r'}
		case $line in
		"domu: ok "* | "domu: not ok "*)
			n=$((n + 1))
			echo "${line#domu: }" ;;
		"domu: # "*) echo "${line#domu: }" ;;
		esac
	done < <(grep -a '^domu: ' "$out/serial.log")
fi
n=$((n + 1))
if [ $rc = 0 ]; then
	echo "ok $n - run-domu: $(cat "$out/result")"
else
	echo "not ok $n - run-domu --linux: $(tail -n 1 "$log")"
	sed 's/^/# /' "$log"
	if [ -f "$out/serial.log" ]; then
		echo "# last lines of $out/serial.log:"
		tail -n 40 "$out/serial.log" | tr -d '\r' | sed 's/^/#   /'
	fi
fi
echo "1..$n"
