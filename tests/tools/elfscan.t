#!/bin/sh
# elfscan.t: elfscan on the fixture objects and images: report, JSON, bad
# sites, unannotated calls, --emit-table, usage and malformed input.
. tests/tools/tap.sh
E=$B/tools/elfscan

run $E $FIX/fixture.elf
is $rc 0 "report on a good image exits 0"
like $T/out '^sites: 14, bad: 0, site length 15' "report counts 14 sites"
like $T/out '^  set_pte +caller +2$' "report counts sites per op"
like $T/out '^  fx_init +3$' "report counts sites per function"
like $T/out 'fx_native_read_cr3 +inlinable, 3 bytes' "inliner verdict: leaf body"
like $T/out 'fx_native_io_delay +no: body is not a leaf' "inliner verdict: a call"
like $T/err "^elfscan: $FIX/fixture.elf: fx_unannotated\\+0x[0-9a-f]+: warning: unannotated call through pv_ops.wbinvd$" \
	"unannotated call is a warning with func+off"
like $T/err 'warning: unannotated jump through pv_ops.io_delay$' "unannotated tail jump found"
like $T/err 'fx_loaded\+0x4: warning: unannotated call through pv_ops.halt$' "load into a register, then call: found"
like $T/out '^  fx_loaded\+0x4 +load\+call +pv_ops.halt$' "report lists it as load+call"

like $T/out 'read_msr_safe +fx_native_read_msr_safe +no: code has an exception-table entry' \
	"a body with an exception-table entry is never inlined"
like $T/out 'write_msr_safe +fx_native_write_msr_safe +inlinable, [0-9]+ bytes; template: code has an exception-table entry' \
	"nor is a template with one"
like $T/out '^clobbers proved: 5 templates, 8 functions \(\+0 they call\)' \
	"clobbers proved: every template, every callee/none function"
like $T/out '^  callee +3 templates +7 functions +write %rax %rflags$' \
	"registers written by class callee"
like $T/out '^  none +0 templates +1 functions +write nothing$' \
	"class none writes nothing"

# Declared clobbers are proved: one line naming func+off and the register.
run $E $FIX/tmpl-clobber.elf
is $rc 1 "a template writing an undeclared register fails"
grep -v ': warning: ' $T/err >$T/err2
is "$(cat $T/err2)" "elfscan: $FIX/tmpl-clobber.elf: native/cpuid+0x2: writes %rbx, template allows %rax %rcx %rdx" \
	"template: the one error names template+off and the register"
run $E --emit-table $FIX/tmpl-clobber.elf -o $T/tc.elf
is "$rc/$([ -e $T/tc.elf ]; echo $?)" "1/1" "--emit-table refuses it, writes nothing"
run $E $FIX/callee-c.elf
is $rc 1 "a callee-save function calling C fails"
grep -v ': warning: ' $T/err >$T/err2
is "$(cat $T/err2)" "elfscan: $FIX/callee-c.elf: fx_native_irq_disable+0x1: writes %rdx, class callee allows %rax" \
	"callee: the one error names func+off (the call) and the register"

# The proof's rules, one function each (fixtures/flow-cases.S).
run $E $FIX/flow-cases.elf
is $rc 1 "flow cases: refused"
grep -v ': warning: ' $T/err | sed "s|^elfscan: $FIX/flow-cases.elf: ||" >$T/err2
like $T/err2 '^fx_native_irq_save_fl\+0x0: writes %rcx %rdx %rbx %rsp %rbp %rsi %rdi %r8 %r9 %r10 %r11 %r12 %r13 %r14 %r15, class callee allows %rax$' \
	"an indirect call writes everything"
like $T/err2 '^fx_native_irq_restore_fl\+0x1: writes %rbx, class callee allows %rax$' \
	"a saved register overwritten on the stack is not restored"
like $T/err2 '^fx_native_irq_enable\+0x6: writes %rsp, class callee allows %rax$' \
	"a path returning with the stack unbalanced"
like $T/err2 '^fx_native_swapgs\+0x2: writes %rdi, class callee allows %rax$' \
	"pop into another register"
like $T/err2 '^fx_native_make_pte\+0x3: writes %r11, class callee allows %rax$' \
	"a tail jump carries its target's writes"
like $T/err2 '^fx_native_pte_val\+0x0: writes %rcx %rdx %rsi %rdi %r8 %r9 %r10 %r11, class callee allows %rax$' \
	"syscall is a hypercall: the caller-saved set"
like $T/err2 '^fx_native_iret\+0x0: writes %rflags, class none allows nothing$' \
	"class none keeps the flags"
is "$(lines $T/err2)" 7 "save/restore with sub/add rsp and a branch passes"

run $E --strict $FIX/fixture.elf
is $rc 1 "--strict makes unannotated calls errors"
like $T/err 'fx_unannotated\+0x[0-9a-f]+: unannotated call through pv_ops.wbinvd$' "--strict message"

run $E --json $FIX/sites.o
is $rc 0 "JSON report on an object"
like $T/out '"count": 14' "object: 14 sites from relocations"
like $T/out '".init.text": 3' "object: sites per section"
like $T/out '"checked": false' "object: clobbers not checked (calls unresolved)"
why=$(tests/lib/need python3) || echo "# $why"
python3 -m json.tool <$T/out >/dev/null
ok $? "JSON parses"

run $E $FIX/broken.elf
is $rc 1 "broken site fails"
like $T/err "^elfscan: $FIX/broken.elf: fx_broken\\+0x1: not an indirect call through pv_ops.halt: found nop" \
	"broken site named by func+off"
run $E $FIX/broken.o
is $rc 1 "broken site fails in the object too"
like $T/err "^elfscan: $FIX/broken.o: fx_broken\\+0x1: not an indirect call" "object: func+off"

run $E --emit-table $FIX/broken.elf -o $T/broken-out.elf
is $rc 1 "--emit-table refuses a bad site"
[ ! -e $T/broken-out.elf ]
ok $? "no output written for a bad site"

run $E --emit-table $FIX/fixture.elf -o $T/sealed.elf
is $rc 0 "--emit-table on the fixture"
toff=$(secoff $T/sealed.elf .pv_table)
magic=$(od -An -tx4 -N4 -j $toff $T/sealed.elf | tr -d ' ')
is "$magic" 54535650 "table header has PV_TABLE_MAGIC"
off=$(secoff $T/sealed.elf .pv_inline)
is "$(od -An -tx4 -N4 -j $off $T/sealed.elf | tr -d ' ')" 4e495650 "inline facts: magic"
run $E $T/sealed.elf
is $rc 0 "sealed image checks clean"
like $T/out 'site table sealed' "report sees the sealed table"
run $E --emit-table $T/sealed.elf -o $T/sealed2.elf
cmp -s $T/sealed.elf $T/sealed2.elf
ok $? "sealing is idempotent"
cmp -s $FIX/fixture.elf $T/sealed.elf
[ $? = 1 ]
ok $? "input file is untouched and differs from the output"

# Swap the first two records of the sealed table: no longer sorted.
cp $T/sealed.elf $T/unsorted.elf
dd if=$T/sealed.elf of=$T/unsorted.elf bs=1 skip=$((toff + 16)) seek=$((toff + 24)) count=8 conv=notrunc 2>/dev/null
run $E $T/unsorted.elf
is $rc 1 "corrupted sealed table is rejected"

run $E --site-len 12 $FIX/fixture.elf
is $rc 1 "--site-len mismatch fails"
like $T/err 'site length 15, the build.s is 12' "--site-len message"

run $E
is $rc 2 "no argument: usage, exit 2"
run $E --bogus $FIX/fixture.elf
is $rc 2 "unknown option: exit 2"
run $E --emit-table $FIX/fixture.elf
is $rc 2 "--emit-table without -o: exit 2"
run $E --help
is $rc 0 "--help exits 0"
like $T/out '^usage: elfscan' "--help prints usage"

: >$T/empty
run $E $T/empty
is "$rc/$(lines $T/err)" "1/1" "empty file: one error line, exit 1"
echo hello >$T/text
run $E $T/text
is "$rc/$(lines $T/err)" "1/1" "text file: one error line, exit 1"
head -c 3000 $FIX/fixture.elf >$T/trunc
run $E $T/trunc
is "$rc/$(lines $T/err)" "1/1" "truncated file: one error line, exit 1"
cp $FIX/fixture.elf $T/class.elf
poke $T/class.elf 4 01
run $E $T/class.elf
is "$rc/$(lines $T/err)" "1/1" "ELF32 class: one error line, exit 1"
like $T/err 'wrong class' "wrong class is named"
cp $FIX/fixture.elf $T/machine.elf
poke $T/machine.elf 18 03 00
run $E $T/machine.elf
like $T/err "^elfscan: $T/machine.elf: e_machine: wrong machine 3: not x86-64$" "wrong machine: one line"
cp $FIX/fixture.elf $T/overlap.elf
poke $T/overlap.elf $(($(shdr $T/overlap.elf .pv_table) + 16)) 10 00 10 80 ff ff ff ff
run $E $T/overlap.elf
is "$rc/$(lines $T/err)" "1/1" "overlapping sections: one error line, exit 1"
like $T/err 'overlaps section' "overlap is named"
cp $FIX/fixture.elf $T/misalign.elf
poke $T/misalign.elf $(($(shdr $T/misalign.elf .pv_table) + 24)) 01
run $E $T/misalign.elf
is "$rc" 1 "mis-aligned table: exit 1"
cp $T/sealed.elf $T/huge.elf
poke $T/huge.elf $((toff + 8)) ff ff ff 7f
run $E $T/huge.elf
is "$rc/$(lines $T/err)" "1/1" "huge count: one error line, exit 1"
like $T/err 'header count 2147483647' "huge count is named"
cp $FIX/fixture.elf $T/shoff.elf
poke $T/shoff.elf 40 00 00 00 00 00 00 00 70
run $E $T/shoff.elf
is "$rc/$(lines $T/err)" "1/1" "section headers past the end: one error line, exit 1"
run $E $T/nonexistent
is "$rc/$(lines $T/err)" "1/1" "missing file: one error line, exit 1"
# Native sites: built as the native instructions, each with its stub.
run $E $FIX/native.elf
is $rc 0 "native sites: a good image exits 0"
like $T/out '^native sites: 4 ' "native sites counted, one site each"
like $T/out '^sites: 18, bad: 0' "a native site and its stub call are one site"
run $E --emit-table $FIX/native.elf -o $T/native-sealed.elf
is $rc 0 "native sites: sealed"
run $E $T/native-sealed.elf
like $T/out '^sites: 18, bad: 0' "sealed: each stub call record still follows its site"
run $E $FIX/native-bad.elf
is $rc 1 "broken native sites fail"
like $T/err "^elfscan: $FIX/native-bad.elf: fx_native_copy\\+0x0: stub's copy differs from the site$" \
	"a stub whose copy is not the site, named by func+off"
like $T/err "^elfscan: $FIX/native-bad.elf: fx_native_branch\\+0x0: prefixed branch: call " \
	"a prefixed branch refused"
# The kernel, when built: sealed by the build, every site good.
K=$B/kernel/kernel.elf
if [ -f $K ]; then
	run $E --strict $K
	is $rc 0 "kernel: elfscan --strict passes"
	like $T/out '^sites: [1-9][0-9]*, bad: 0, site length [0-9]+$' "kernel: sites, none bad"
	like $T/out 'site table sealed' "kernel: the build sealed its table"
	like $T/out '^native sites: [1-9][0-9]* ' "kernel: the hot ops are native sites"
	like $T/out '^clobbers proved: [1-9][0-9]* templates, [1-9][0-9]* functions \(\+[1-9]' \
		"kernel: templates and functions proved, the Xen slow path too"
	like $T/out 'read_msr_safe +msr_read_safe +no: code has an exception-table entry' \
		"kernel: the _safe MSR ops are never inlined"
	# Zero the declared mask of native read_msr's template: refused.
	op=$(sed -n 's/^[[:space:]]*X(\([a-z0-9_]*\),.*/\1/p' include/pv/ops.h |
		grep -n -x read_msr | cut -d: -f1)
	toff=$(secoff $K .pv_templates)
	tsize=$((0x$(readelf -SW $K | sed 's/^ *\[ *[0-9]*\]//' |
		awk '$1 == ".pv_templates" { print $5 }')))
	cp $K $T/mask.elf
	i=0
	while [ $i -lt $((tsize / 12)) ]; do
		o=$((toff + 12 * i))
		if [ $(od -An -tu2 -j $((o + 4)) -N2 $K) = $((op - 1)) ] &&
			[ $(od -An -tu1 -j $((o + 6)) -N1 $K) = 0 ]; then
			poke $T/mask.elf $((o + 8)) 00 00
		fi
		i=$((i + 1))
	done
	run $E $T/mask.elf
	is "$rc/$(lines $T/err)" "1/1" "kernel: a template's mask cleared: refused"
	like $T/err "^elfscan: $T/mask.elf: native/read_msr\+0x0: writes %rcx, template allows nothing$" \
		"kernel: named by template+off and register"
fi
# libpv programs are sealed by the same check.
for P in $B/lib/pv-demo $B/tests/unit/test_selfpatch $B/tests/unit/test_abi; do
	[ -f $P ] || continue
	run $E $P
	is $rc 0 "$P: elfscan passes"
	like $T/out '^clobbers proved: [1-9][0-9]* templates, [1-9][0-9]* functions' \
		"$P: its templates and user functions proved"
done
done_testing
