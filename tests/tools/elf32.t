#!/bin/sh
# elf32.t: elfscan and pvpatch on the i386 kernel (ELF32, EM_386): report,
# seal, a corrupted call named by func+off, a wrong machine refused, the
# 32-bit call form and disassembly in --diff, --lengths in 32-bit mode.
. tests/tools/tap.sh
E=$B/tools/elfscan
P=$B/tools/pvpatch
RAW=$B/i386/kernel/kernel.raw.elf
K=$B/i386/kernel/kernel.elf

run $E $K
is $rc 0 "report on the i386 image exits 0"
E_OUT=$T/report
cp $T/out $E_OUT
like $T/out '^sites: [0-9][0-9]*, bad: 0, site length 15' "no bad site"
like $T/out 'linked image, site table sealed' "the table is sealed"
like $T/out 'cpuid +native_cpuid +no: body uses the stack' \
	"a stack-argument op's body is not inlined (regparm: 4th word on the stack)"
like $T/out 'load_sp0 +native_load_sp0 +inlinable' "a register-argument body is"

run $E --emit-table $RAW -o $T/sealed.elf
is $rc 0 "--emit-table seals the raw ELF32 image"
cmp -s $T/sealed.elf $K
ok $? "the same bytes as the build's sealed image"

# The first cpuid call site of cpu_features_detect (irq_disable is a
# native site): its abs32 slot moved one op up, to read_cr0.
addr=$(nm $RAW | awk '$3 == "cpu_features_detect" { print $1 }')
text=$(readelf -SW $RAW |
	sed -n 's/.* \.text  *PROGBITS  *\([0-9a-f]*\) \([0-9a-f]*\) .*/\1 \2/p')
site=$($P --diff --cpu-features none $K | sed -n 's/^cpu_features_detect+0x\([0-9a-f]*\): cpuid .*/\1/p' | head -n 1)
off=$(( 0x$addr + 0x$site - 0x${text% *} + 0x${text#* } ))
cp $RAW $T/bad.elf
slot=$(od -An -tu4 -j $((off + 2)) -N4 $T/bad.elf | tr -d ' ')
printf "$(printf '\\%03o\\%03o\\%03o\\%03o' $(( (slot + 4) & 255 )) \
	$(( (slot + 4) >> 8 & 255 )) $(( (slot + 4) >> 16 & 255 )) \
	$(( (slot + 4) >> 24 & 255 )))" |
	dd of=$T/bad.elf bs=1 seek=$((off + 2)) conv=notrunc 2>/dev/null
run $E $T/bad.elf
is $rc 1 "a call through the wrong slot fails"
like $T/err "^elfscan: $T/bad.elf: cpu_features_detect\\+0x$site: calls pv_ops.read_cr0, record says cpuid$" \
	"named by func+off, 4-byte slots"

# native_irq_disable is cli; ret.  0x49 is dec %ecx in 32-bit mode (a REX
# prefix in 64-bit mode): a CALLEE body writing %ecx, which the clobber
# proof must see by decoding in 32-bit mode.
fn=$(nm $RAW | awk '$3 == "native_irq_disable" { print $1 }')
cp $RAW $T/clob.elf
printf '\111' | dd of=$T/clob.elf bs=1 \
	seek=$(( 0x$fn - 0x${text% *} + 0x${text#* } )) conv=notrunc 2>/dev/null
run $E --emit-table $T/clob.elf -o $T/clob2.elf
is $rc 1 "a CALLEE body writing %ecx fails the seal"
like $T/err "native_irq_disable\\+0x0: writes %ecx, class callee allows %eax %edx$" \
	"the i386 clobber rule (regparm: %eax %edx), 32-bit register names"

cp $RAW $T/arm.elf
printf '\050' | dd of=$T/arm.elf bs=1 seek=18 conv=notrunc 2>/dev/null
run $E $T/arm.elf
is $rc 1 "an ELF32 of another machine is refused"
like $T/err "^elfscan: $T/arm.elf: e_machine: wrong machine 40: not i386 \\(ELF32\\)$" \
	"one line saying so"

run $P --diff --cpu-features none $K
is $rc 0 "pvpatch --diff on ELF32"
like $T/out '^  - ff 15 [0-9a-f ]*call \*0xc0[0-9a-f]*;' "original: call *abs32, 32-bit disassembly"
like $T/out '^  \+ .*cli;' "irq_disable inline: cli"
like $T/out 'set_pte -> inline' "set_pte inline (two movl, high half first)"
like $T/out 'cpuid -> direct' "cpuid direct (its fourth word is on the stack)"
# Native sites (pvcalls_32.h): set_pte in path_pte_flush is PV=n's two
# movl in the compiler's registers, high half first, ds-prefixed to 5..15
# bytes, and the native backend leaves it as built.
like $E_OUT '^native sites: [1-9][0-9]* ' "native sites in the i386 image"
grep -A2 '^path_pte_flush+0x[0-9a-f]*: set_pte -> inline' $T/out >$T/pte
like $T/pte '^  - (3e )*89 [0-9a-f]{2} 04 89 [0-9a-f]{2} +mov %e[a-z]{2}, (%ds:)?0x04\(%e[a-z]{2}\); mov %e[a-z]{2}, \(%e[a-z]{2}\)$' \
	"set_pte native site: two movl, high half first"
[ "$(sed -n 's/^  - //p' $T/pte)" = "$(sed -n 's/^  + //p' $T/pte)" ]
ok $? "native backend, full: the native site as built"
# No padding prefix may be cs on a memory operand: a store through the
# code segment faults in 32-bit mode (QEMU TCG does not check it).
$P --diff --cpu-features none $K | sed -n 's/^  [-+] [0-9a-f ]*  *//p' |
	tr ';' '\n' | grep '%cs:' | grep -v '^ *nop' >$T/cs
is "$(lines $T/cs)" 0 "no cs-prefixed memory operand in any site"
run $P --cpu-features none $K -o $T/p.elf
is $rc 0 "pvpatch writes a patched ELF32"
like $T/out '^  indirect +0$' "no site indirect"
run $P --text-hash --cpu-features none $T/p.elf
is $rc 0 "re-patching the patched image"

run $P --lengths $K
is $rc 0 "--lengths on ELF32"
grep -q invalid $T/out
is $? 1 "every .text instruction decodes in 32-bit mode"

done_testing
