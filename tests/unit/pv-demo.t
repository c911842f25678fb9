#!/bin/sh
# pv-demo.t: libpv patches its own demo program in three modes; the hot loop
# must give the same checksum in each, and the full mode must leave nothing
# indirect.
out=$(build/lib/pv-demo 2>&1)
rc=$?
echo "1..3"
[ $rc -eq 0 ] && echo "ok 1 - demo exits 0" || { echo "not ok 1 - demo exits $rc"; echo "$out" | sed 's/^/# /'; }
echo "$out" | grep -q "identical" && echo "ok 2 - same checksum unpatched, direct, inline" || echo "not ok 2 - checksums differ"
full=$(echo "$out" | grep '^full ')
echo "$full" | grep -q "indirect 0 refused 0" && echo "ok 3 - full: no site indirect ($full)" || echo "not ok 3 - full: $full"
