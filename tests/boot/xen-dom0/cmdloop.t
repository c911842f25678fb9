#!/bin/bash
# cmdloop.t: the console command loop on a Xen PV Dom0 (issue 9): with
# `console.loop`, commands typed on the serial line reach Dom0 through Xen
# (CONSOLEIO_read) and get their answers; `poweroff` ends the run.
set -uo pipefail

cd "$(dirname "$0")/../../.."
build=${BUILD:-build}
if ! why=$(tests/lib/need qemu-system-x86_64); then
	printf '1..1\nnot ok 1 - %s\n' "$why"
	exit 1
fi
[ -f "$build/kernel/kernel.elf" ] || { echo "Bail out! make first"; exit 1; }
n=0
ok() { # ok EXIT-STATUS DESCRIPTION
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi
}
has() { grep -Eq -- "$1" "$out"; echo $?; }

out=$(mktemp)
fifo=$(mktemp -u)
mkfifo "$fifo"
scripts/run-xen --stdin --timeout 150 console.loop <"$fifo" >"$out" 2>&1 &
xen=$!
exec 3>"$fifo"
rm -f "$fifo"
i=0
while ! grep -q 'cmdloop: ready' "$out" && [ $i -lt 1200 ]; do
	sleep 0.1
	i=$((i + 1))
done
printf 'help\nsites\nbogus\npoweroff\n' >&3
wait $xen
status=$?
exec 3>&-
tr -d '\r' <"$out" >"$out.txt" && mv "$out.txt" "$out"

ok "$(has '^RESULT: PASS')" "the run passes before the loop starts"
ok "$(has '^cmdloop: ready on the .* console')" "loop ready on Dom0"
ok "$(has '^pv> help$')" "typed input reaches Dom0 and is echoed"
ok "$(has '^  poweroff')" "help lists the commands"
ok "$(has '^sites: ([0-9]+) of \1 hold their planned bytes')" \
	"sites: every site holds its plan"
ok "$(has '^  hypercall +[1-9]')" "sites: the hypercall row is counted"
ok "$(has '^bogus: unknown command')" "an unknown command is named"
ok "$(has '^cmdloop: poweroff')" "poweroff"
[ "$status" = 0 ]
ok $? "run-xen exits 0 (status $status)"
[ "$(grep -c '^RESULT: ' "$out")" = 1 ]
ok $? "one RESULT line"
echo "1..$n"
[ -n "${KEEP:-}" ] || rm -f "$out"
