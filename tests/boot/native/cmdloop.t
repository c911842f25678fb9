#!/bin/bash
# cmdloop.t: the console command loop natively (issue 9, core/cmdloop.c):
# `console.loop` on the command line, commands typed on COM1 (QEMU's
# stdio), their answers; `poweroff` ends the run through isa-debug-exit.
# The PV=y image and the PV=n one.  run-qemu gives QEMU no input, so this
# test starts QEMU itself.
set -uo pipefail

cd "$(dirname "$0")/../../.."
build=${BUILD:-build}
if ! why=$(tests/lib/need qemu-system-x86_64); then
	printf '1..1\nnot ok 1 - %s\n' "$why"
	exit 1
fi
n=0
bad=0
ok() { # ok COND-EXIT-STATUS DESCRIPTION
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		bad=1
	fi
}
has() { grep -Eq -- "$1" "$out"; echo $?; }

# run KERNEL: boots it with the loop; once the loop is ready, types the
# commands (earlier bytes would meet the UART's FIFO reset at boot).
run() {
	local fifo i=0
	out=$(mktemp)
	fifo=$(mktemp -u)
	mkfifo "$fifo"
	timeout -k 5 60 qemu-system-x86_64 -accel tcg -m 128M -nographic \
		-no-reboot -serial stdio -monitor none \
		-device isa-debug-exit,iobase=0xf4,iosize=0x04 \
		-kernel "$1" -append "console.loop" <"$fifo" >"$out" 2>&1 &
	qemu=$!
	exec 3>"$fifo"
	rm -f "$fifo"
	while ! grep -q 'cmdloop: ready' "$out" && [ $i -lt 300 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	printf 'help\rsites\nbogus\r\nxs read name\nspin 1\nmemtest\npoweroff\n' >&3
	wait $qemu
	status=$?
	exec 3>&-
	tr -d '\r' <"$out" >"$out.txt"
	mv "$out.txt" "$out"
}

for kernel in "$build/kernel/kernel.elf" "$build/kernel-nopv/kernel.elf"; do
	if [ ! -f "$kernel" ]; then
		echo "Bail out! no $kernel (make first)"
		exit 1
	fi
	run "$kernel"
	k=${kernel#"$build"/}
	ok "$(has '^RESULT: PASS')" "$k: the closing lines come first"
	ok "$(has "^cmdloop: ready on the native console")" "$k: loop ready"
	ok "$(has '^pv> help$')" "$k: typed input is echoed"
	ok "$(has '^  spin SECONDS ')" "$k: help lists the commands"
	if [ "$k" = kernel/kernel.elf ]; then
		ok "$(has '^sites: ([0-9]+) of \1 hold their planned bytes')" \
			"$k: sites: every site holds its plan"
		ok "$(has '^  inline +[0-9]')" "$k: sites: a row per strategy"
	else
		ok "$(has '^sites: none: a PV=n kernel')" "$k: sites: none (PV=n)"
	fi
	ok "$(has '^bogus: unknown command')" "$k: an unknown command is named"
	ok "$(has '^xs: unknown command')" "$k: no xs natively (DomU only)"
	ok "$(has '^spin: done')" "$k: spin 1 returns"
	ok "$(has '^memtest: PASS pages=[1-9][0-9]*$')" \
		"$k: memtest: every free page holds its pattern"
	ok "$(has '^cmdloop: poweroff')" "$k: poweroff"
	# isa-debug-exit: QEMU exits with (0 << 1) | 1 for a clean shutdown(0).
	[ "$status" = 1 ]
	ok $? "$k: QEMU ended by the kernel's poweroff (status $status)"
	[ "$(grep -c '^RESULT: ' "$out")" = 1 ]
	ok $? "$k: one RESULT line"
	[ $bad = 0 ] || tail -n 30 "$out" | sed 's/^/# /'
	bad=0
	rm -f "$out"
done
echo "1..$n"
