#!/bin/sh
# mutate.t: thousands of corrupted copies of the fixtures (and of the kernel
# and Debian's vmlinux when present) through the ASan+UBSan tools: every run
# must end in exit 0 or 1 with a message, never a signal or sanitizer report.
. tests/tools/tap.sh
M=$B/tests/tools/mutate
W=$B/tests/tools/mutate-work.$$ # one per run: check may run twice at once
seeds="$FIX/fixture.elf:700 $FIX/fixture-sealed.elf:900 $FIX/broken.elf:400 $FIX/sites.o:500"
if [ -f $B/kernel/kernel.elf ]; then
	seeds="$seeds $B/kernel/kernel.elf:500"
fi
if [ -f $B/i386/kernel/kernel.elf ]; then # ELF32 (issue 16)
	seeds="$seeds $B/i386/kernel/kernel.elf:300"
fi
if V=$(scripts/fetch-linux-vmlinux 2>/dev/null); then
	seeds="$seeds $V:60"
else
	echo "# no Debian vmlinux: mutating the hand-made images only"
fi
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
