#!/bin/sh
# insn-vs-zydis.t: the length decoder against Zydis over real binaries (libc,
# cc1, Xen, our kernel, 32-bit ELF files) and random bytes; TAP for prove.
bin=build/tests/tools/insn_diff
if [ ! -x "$bin" ]; then
	echo "Bail out! $bin is not built: run make $bin"
	exit 1
fi
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
n=0

# A few 32-bit x86 ELF files, if the machine has any (EI_CLASS 1, EM_386).
elf32() {
	for f in /usr/lib/i386-linux-gnu/*.so* /usr/lib/grub/i386-pc/*.mod \
		/usr/libexec/valgrind/*-x86-linux*; do
		[ -f "$f" ] || continue
		h=$(od -An -tx1 -N20 "$f" 2>/dev/null | tr -d ' \n')
		case $h in
		7f454c4601??????????????????????????0300) echo "$f" ;;
		esac
	done | head -n 3
}

# run NAME ARGS...: one TAP line; --deep also checks fields and soundness.
run() {
	name=$1
	shift
	n=$((n + 1))
	out=$("$bin" --deep --quiet "$@" 2>"$tmp/err")
	rc=$?
	line=$(printf '%s\n' "$out" | tail -n 1)
	total=$(echo "$line" | sed -n 's/.*: \([0-9]*\) instructions.*/\1/p')
	agree=$(echo "$line" | sed -n 's/.*, \([0-9]*\) agree.*/\1/p')
	if [ "$rc" = 0 ]; then
		echo "ok $n - $name: $agree/$total agree"
	else
		echo "not ok $n - $name: $agree/$total agree"
		sed 's/^/# /' "$tmp/err"
		"$bin" --deep --max-diff 10 "$@" 2>&1 | sed 's/^/# /'
	fi
	printf '%s\n' "$line" | sed 's/^/# /'
}

# missing NAME WHY: an input that scripts/deps or make should have given
# us is absent: a failure, never a skip.
missing() {
	n=$((n + 1))
	echo "not ok $n - $1: $2"
}

libc=/lib/x86_64-linux-gnu/libc.so.6
cc1=$(gcc -print-prog-name=cc1)
kernel=build/kernel/kernel.elf
set -- $(elf32)
echo "1..$((6 + ($# > 0 ? $# : 1)))"

if [ -f "$libc" ]; then
	run libc.so.6 "$libc"
else
	missing libc.so.6 "no $libc"
fi
if [ -f "$cc1" ]; then
	run cc1 "$cc1"
else
	missing cc1 "no cc1: run scripts/deps (build-essential)"
fi
# Xen's ELF32 wraps 64-bit code (and its data, in one section): decode as
# 64.  scripts/fetch-xen downloads it once, then answers from build/xen/.
if xen=$(scripts/fetch-xen 2>"$tmp/fetch"); then
	run xen-4.17-amd64 --mode 64 "$xen"
else
	missing xen-4.17-amd64 "scripts/fetch-xen: $(tail -n 1 "$tmp/fetch")"
fi
if [ -f "$kernel" ]; then
	run kernel.elf "$kernel"
else
	missing kernel.elf "no $kernel: run make"
fi
if [ $# = 0 ]; then
	missing elf32 "no 32-bit x86 ELF file (valgrind's x86 tools): run scripts/deps"
fi
for f in "$@"; do
	run "$(basename "$f") (32-bit)" "$f"
done
run "random bytes, 64-bit" --fuzz 300000 --seed 1 --mode 64
run "random bytes, 32-bit" --fuzz 300000 --seed 2 --mode 32
