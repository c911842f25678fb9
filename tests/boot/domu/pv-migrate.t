#!/bin/bash
# pv-migrate.t: `xl migrate` of our kernel as a Xen PV DomU to the same host
# (issue 13; docs/domu.md): it runs in the new domain, answers on its
# console, memtest passes, the old domid is gone.  Debian's Xen cannot
# (no CONFIG_SHADOW_PAGING: "Failed to enable logdirty: 95"), so this bed
# boots the Xen of scripts/fetch-xen-src (built once, cached under
# ~/.cache/pvrt/); Dom0 and its xl are Debian's as everywhere.
set -euo pipefail

cd "$(dirname "$0")/../../.."
build=${BUILD:-build}
kernel=$build/kernel/kernel.elf
[ -f "$kernel" ] || { echo "Bail out! $kernel missing (make)"; exit 1; }
out=$build/domu-bed/runs/pv-migrate-t
mkdir -p "$out"
log=$out/run-domu.stderr
if ! xen=$(scripts/fetch-xen-src 2>"$log"); then
	echo "not ok 1 - scripts/fetch-xen-src: $(tail -n 1 "$log")"
	echo "1..1"
	exit 0
fi
set +e
scripts/run-domu --quiet --timeout 900 --out "$out" --xen "$xen" \
	--guest "pv=$kernel" --test pv-migrate:pv 2>"$log"
rc=$?
set -e
exec tests/boot/domu/tap-from-run "$out" "$rc" "$log"
