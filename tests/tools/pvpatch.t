#!/bin/sh
# pvpatch.t: offline patching of the sealed fixture with the kernel's own
# planner: counts, --diff, --text-hash, --no-inline, --lengths, errors.
. tests/tools/tap.sh
P=$B/tools/pvpatch
S=$FIX/fixture-sealed.elf

run $P $S -o $T/patched.elf
is $rc 0 "patching the sealed fixture"
like $T/out '^backend native: 14 sites$' "counts all 14 sites"
like $T/out '^  refused +0$' "no site refused"
sum=$(awk '$1 ~ /^(inline|body|hypercall|direct|indirect)$/ { s += $2 } END { print s }' $T/out)
is "$sum" 14 "strategy counts add up to the sites"
cmp -s $S $T/patched.elf
is $? 1 "output differs from the input"
run $B/tools/elfscan $T/patched.elf
is $rc 1 "elfscan sees the sites are no longer indirect calls"

run $P --diff $S
is $rc 0 "--diff"
is "$(grep -c ' -> ' $T/out)" 14 "--diff shows every site"
like $T/out '^fx_cr3\+0x0: read_cr3 -> inline \(ok\)$' "template strategy with reason"
like $T/out '^  \+ (2e )*0f 20 d8 .*mov %cr3, %rax' "new bytes with their disassembly"
like $T/out '^  - ff 15 .*call \*0x' "old bytes: the indirect call"
like $T/out '^fx_idle\+0x1e: io_delay -> direct \(body is not a leaf' "why not inlined"

run $P --text-hash $S
is $rc 0 "--text-hash"
like $T/out '^[0-9a-f]{16}$' "hash is 16 lowercase hex digits"
h1=$(cat $T/out)
run $P --text-hash $S
is "$(cat $T/out)" "$h1" "hash is deterministic"
run $P --text-hash --no-inline $S
[ "$(cat $T/out)" != "$h1" ]
ok $? "--no-inline changes the text hash"
run $P --no-inline -o $T/noinline.elf $S
like $T/out '^  inline +0$' "--no-inline: no templates"
like $T/out '^  direct +14$' "--no-inline: all direct calls"

run $P --backend xen --text-hash $S
is "$rc" 1 "missing backend: exit 1"
like $T/err "^pvpatch: $S: no xen backend in image$" "missing backend message"
run $P --diff $FIX/fixture.elf
is "$rc" 1 "unsealed table: exit 1"
like $T/err 'site table not sealed' "unsealed table message"
run $P --site-len 12 --diff $S
is "$rc" 1 "--site-len mismatch: exit 1"
run $P --diff $FIX/sites.o
is "$rc" 1 "object file: exit 1"

run $P --lengths $FIX/fixture.elf
is $rc 0 "--lengths"
like $T/out '^0 [0-9]+$' "--lengths starts at offset 0"
size=$((0x$(readelf -SW $FIX/fixture.elf | sed 's/^ *\[ *[0-9]*\]//' | awk '$1 == ".text" { print $5 }')))
cover=$(awk '{ s += ($2 == "invalid") ? 1 : $2 } END { print s }' $T/out)
is "$cover" "$size" "--lengths covers .text exactly"
run $P --lengths --section .pv_template_code $FIX/fixture.elf
is "$(head -1 $T/out)" "0 1" "--section: template code starts with cli"
run $P --lengths --section .nope $FIX/fixture.elf
is $rc 1 "--lengths: missing section is exit 1"

run $P $S
is $rc 2 "nothing to do: usage"
run $P --lengths --backend xen $S
is $rc 2 "--lengths with --backend: usage"
run $P --backend other --diff $S
is $rc 2 "unknown backend: usage"
run $P --help
is $rc 0 "--help"
like $T/out '^usage: pvpatch' "--help prints usage"
: >$T/empty
run $P --diff $T/empty
is "$rc/$(lines $T/err)" "1/1" "empty file: one error line, exit 1"
# The kernel, when built: every site patched, none refused.
K=$B/kernel/kernel.elf
if [ -f $K ]; then
	run $P $K -o $T/kernel-native.elf
	is $rc 0 "kernel: pvpatch --backend native"
	like $T/out '^  refused +0$' "kernel: no site refused"
	like $T/out '^hypercall sites: [1-9][0-9]*, inline 0$' \
		"kernel: native leaves its hypercall sites as built"
	run $P --text-hash $K
	like $T/out '^[0-9a-f]{16}$' "kernel: text hash $(cat $T/out)"
	# PVH (docs/pvh.md): the hypercall sites become the vendor's
	# instruction; only they differ between the two PVH backends.
	run $P --backend pvh-amd -o $T/kernel-amd.elf $K
	like $T/out '^hypercall sites: ([1-9][0-9]*), inline \1$' \
		"kernel: pvh-amd: every hypercall site inline"
	objdump -d $T/kernel-amd.elf >$T/amd.dis
	ok $(grep -q 'vmmcall' $T/amd.dis; echo $?) "pvh-amd text has vmmcall"
	ok $(! grep -q 'vmcall' $T/amd.dis; echo $?) "pvh-amd text has no vmcall"
	run $P --backend pvh-intel -o $T/kernel-intel.elf $K
	objdump -d $T/kernel-intel.elf >$T/intel.dis
	ok $(grep -q 'vmcall' $T/intel.dis; echo $?) "pvh-intel text has vmcall"
	ok $(! grep -q 'vmmcall' $T/intel.dis; echo $?) "pvh-intel text has no vmmcall"
	run $P --backend xen -o $T/kernel-xen.elf $K
	like $T/out '^hypercall sites: ([1-9][0-9]*), inline \1$' \
		"kernel: xen: every hypercall site inline (syscall)"
	ha=$($P --text-hash --backend pvh-amd $K)
	hi=$($P --text-hash --backend pvh-intel $K)
	[ "$ha" != "$hi" ]
	ok $? "pvh-amd and pvh-intel hashes differ"
	ha=$($P --text-hash --no-inline --backend pvh-amd $K)
	hi=$($P --text-hash --no-inline --backend pvh-intel $K)
	is "$ha" "$hi" "--no-inline: pvh-amd and pvh-intel agree"
fi
done_testing
