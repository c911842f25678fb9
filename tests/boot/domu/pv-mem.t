#!/bin/bash
# pv-mem.t: the memory balloon, save/restore and checkpoint of our kernel as
# a Xen PV DomU under the real xl (issue 13; docs/domu.md), with Debian's
# Linux DomU through the same mem-set and save/restore as the reference,
# all in one bed boot on Debian's Xen: the cases pv-balloon, pv-save,
# pv-save-ballooned, pv-checkpoint (cases/mem.sh) and linux-mem.  Each
# harness check is one TAP line; the figures the cases measure are copied
# as comments.  Live migration needs another Xen: pv-migrate.t.
set -euo pipefail

cd "$(dirname "$0")/../../.."
build=${BUILD:-build}
kernel=$build/kernel/kernel.elf
[ -f "$kernel" ] || { echo "Bail out! $kernel missing (make)"; exit 1; }

out=$build/domu-bed/runs/pv-mem-t
mkdir -p "$out"
log=$out/run-domu.stderr
set +e
scripts/run-domu --quiet --timeout 900 --out "$out" \
	--guest "pv=$kernel:selftest" --linux \
	--test pv-balloon:pv --test pv-save:pv --test pv-save-ballooned:pv \
	--test pv-checkpoint:pv --test linux-mem:linux 2>"$log"
rc=$?
set -e
exec tests/boot/domu/tap-from-run "$out" "$rc" "$log"
