#!/bin/bash
# pv-migrate.t: `xl migrate` of our kernel as a Xen PV DomU to the same host
# (issue 13; docs/domu.md): it runs in the new domain, answers on its
# console, memtest passes, the old domid is gone.  Debian's Xen cannot
# (no CONFIG_SHADOW_PAGING: "Failed to enable logdirty: 95"), so this bed
# boots the Xen of scripts/fetch-xen-src (built once, cached under
# ~/.cache/pvrt/); Dom0 and its xl are Debian's as everywhere.
set -euo pipefail

cd "$(dirname "$0")/../../.."
. tests/boot/domu/tap.sh
build=${BUILD:-build}
kernel=$build/kernel/kernel.elf
tap_need qemu-system-x86_64 cpio gzip apt-get dpkg-deb
tap_built "$kernel"
out=$build/domu-bed/runs/pv-migrate-t
mkdir -p "$out"
if ! xen=$(scripts/fetch-xen-src 2>"$out/fetch-xen-src.stderr"); then
	tap_say "not ok" "scripts/fetch-xen-src: $(tail -n 1 "$out/fetch-xen-src.stderr")"
	tap_plan
	exit 1
fi
tap_run_domu "$out" --timeout 900 --xen "$xen" \
	--guest "pv=$kernel" --test pv-migrate:pv
tap_serial "$out"
tap_verdict "$out"
tap_plan
