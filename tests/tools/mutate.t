#!/bin/sh
# mutate.t: thousands of corrupted copies of the fixtures, the kernel and
# Debian's vmlinux through the ASan+UBSan tools: every run
# must end in exit 0 or 1 with a message, never a signal or sanitizer report.
. tests/tools/tap.sh
M=$B/tests/tools/mutate
W=$B/tests/tools/mutate-work.$$ # one per run: check may run twice at once
seeds="$FIX/fixture.elf:700 $FIX/fixture-sealed.elf:900 $FIX/broken.elf:400 $FIX/sites.o:500"
[ -f $B/kernel/kernel.elf ]
ok $? "the kernel image to mutate is built (make)"
seeds="$seeds $B/kernel/kernel.elf:500"
# Cached under build/linux/ once downloaded (elfscan-linux.t needs it too).
V=$(scripts/fetch-linux-vmlinux 2>$T/fetch)
ok $? "Debian's vmlinux to mutate: ${V:-$(tail -n 1 $T/fetch)}"
[ -n "$V" ] && seeds="$seeds $V:60"
rm -rf $W
mkdir -p $W/bin
# private copies: a concurrent make may relink build/asan/ under us
cp $B/asan/elfscan $B/asan/pvpatch $W/bin/
run $M -t $W/bin -d $W -s ${MUTATE_SEED:-1} -j ${MUTATE_JOBS:-2} $seeds
sed 's/^/# /' $T/err
grep '^# FAIL' $T/out | head -20
summary=$(tail -n 1 $T/out)
echo "# $summary"
is $rc 0 "no crash, hang or sanitizer report (seed ${MUTATE_SEED:-1})"
count=$(echo "$summary" | awk '{ print $2 }')
[ "${count:-0}" -ge 2000 ]
ok $? "at least 2000 mutations ran ($count)"
[ $rc = 0 ] && rm -rf $W
done_testing
