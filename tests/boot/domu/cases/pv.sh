# pv.sh: harness test cases for our own kernel as a Xen PV DomU (issue 9),
# sourced by harness.sh in the bed's Dom0; run by tests/boot/domu/pv-guest.t.
#
# IMAGE is our kernel.elf as given to run-domu (--guest IMAGE=...), with
# `selftest` on its command line; cases that do not need the selftests
# boot it with an empty one.  Our kernel's console: the closing lines
# (pv-summary, RESULT), then the command loop ("cmdloop: ready", prompt
# "pv> "); it leaves with "pvkernel: leaving with SHUTDOWN_<reason>: ...".

# pv_ready DOM [FROM_LINE]: the console loop is up.
pv_ready() {
	check "$1: console loop ready" \
		guest_wait "$1" "cmdloop: ready" 60 "${2:-0}"
}

# pv_result DOM [TIMEOUT]: the RESULT line came, and says PASS.
pv_result() {
	check "$1 prints its RESULT line" \
		guest_wait "$1" "^RESULT: " "${2:-90}" &&
		check "$1: the result is PASS" guest_wait "$1" "^RESULT: PASS" 1
}

# pv_cmd DOM COMMAND ERE [TIMEOUT]: types COMMAND on DOM's console (its
# pty, as xl console would) and waits for ERE in what follows.
pv_cmd() {
	local mark
	mark=$(guest_lines "$1")
	guest_send "$1" "$2" || return 1
	guest_wait "$1" "$3" "${4:-30}" "$mark"
}

# pv_state DOM: "STATE REASON" of DOM in `xl list -v`: the state is six
# places "rbpscd", - where not (---s-- shut down, ---sc- crashed), the
# reason a SHUTDOWN_* code (0 poweroff, 1 reboot, 3 crash) or '-'.
pv_state() {
	xl list -v "$1" 2>/dev/null | awk 'NR == 2 { print $5, $8 }'
}

# pv_state_is DOM ERE: waits up to 20 s for DOM's state to match ERE.
pv_state_is() {
	local t st
	t=$(now)
	while :; do
		st=$(pv_state "$1")
		if echo "$st" | grep -Eq -- "$2"; then
			diag "$1: xl list -v state and reason '$st'"
			return 0
		fi
		if awk -v a="$t" -v b="$(now)" \
			'BEGIN { exit !(b - a >= 20) }'; then
			diag "$1: xl list -v state and reason '$st', not '$2'"
			return 1
		fi
		sleep 0.5
	done
}

# pv_crashed DOM: the last line says SHUTDOWN_crash, and so does xl
# (on_crash = "preserve").
pv_crashed() {
	check "$1: last line SHUTDOWN_crash" \
		guest_wait "$1" "leaving with SHUTDOWN_crash" 30 &&
		check "$1: xl list -v says crashed, reason 3" \
			pv_state_is "$1" "^---sc- 3"
}

# pv-boot:IMAGE: xl create; the selftests pass (the host side checks the
# summary); the console loop answers help, sites and xs read through the
# pty; xl shutdown powers it off, as `xl list -v` shows (on_poweroff =
# "preserve": state ---s--, reason 0); xl destroy ends it.
test_pv_boot() {
	local img dom id
	img=${1:?pv-boot needs an image}; dom=$img-boot
	guest_create "$dom" "$img" 'on_poweroff = "preserve"' || return 1
	pv_result "$dom" && pv_ready "$dom" || return 1
	id=$(guest_domid "$dom")
	check "$dom answers 'help'" pv_cmd "$dom" help "spin SECONDS" ||
		return 1
	check "$dom answers 'sites'" pv_cmd "$dom" sites "planned bytes" &&
		check "$dom: every site holds its plan" guest_wait "$dom" \
			"sites: ([0-9]+) of \\1 hold" 1
	check "$dom answers 'xs read domid' with $id" \
		pv_cmd "$dom" "xs read domid" "domid = \"$id\"" || return 1
	check "$dom: control/feature-poweroff = 1" [ "$(xenstore-read \
		"/local/domain/$id/control/feature-poweroff")" = 1 ]
	check "xl shutdown $dom" guest_shutdown "$dom" || return 1
	check "$dom logs why it goes" guest_wait "$dom" \
		"control: the toolstack asks for 'poweroff'" 30 &&
		check "$dom: last line SHUTDOWN_poweroff" guest_wait "$dom" \
			"leaving with SHUTDOWN_poweroff" 30
	check "$dom: xl list -v says shut down, reason 0 (poweroff)" \
		pv_state_is "$dom" "^---s-- 0" || return 1
	check "xl destroy $dom" guest_destroy "$dom" &&
		check "$dom gone" guest_wait_gone "$dom" 30
}

# pv-reboot:IMAGE: xl reboot; the guest says so and leaves with
# SHUTDOWN_reboot; xl restarts it (new domid) and its loop comes up again.
test_pv_reboot() {
	local img dom id1 id2 mark
	img=${1:?pv-reboot needs an image}; dom=$img-reboot
	guest_create "$dom" "$img" 'cmdline = ""' || return 1
	pv_ready "$dom" || return 1
	id1=$(guest_domid "$dom")
	mark=$(guest_lines "$dom")
	check "xl reboot $dom" guest_reboot "$dom" || return 1
	check "$dom: last line SHUTDOWN_reboot" guest_wait "$dom" \
		"leaving with SHUTDOWN_reboot: 'reboot' requested" 30 "$mark" ||
		return 1
	pv_ready "$dom" "$mark" || return 1
	id2=$(guest_domid "$dom")
	check "$dom restarted with a new domid ($id1 -> $id2)" \
		[ -n "$id2" -a "$id1" != "$id2" ] || return 1
	check "xl destroy $dom" guest_destroy "$dom" &&
		check "$dom gone" guest_wait_gone "$dom" 30
}

# pv-destroy:IMAGE: xl destroy on a guest that spins with events masked.
test_pv_destroy() {
	local img dom
	img=${1:?pv-destroy needs an image}; dom=$img-busy
	guest_create "$dom" "$img" 'cmdline = ""' || return 1
	pv_ready "$dom" || return 1
	check "$dom busy (spin 300)" pv_cmd "$dom" "spin 300" \
		"spin: 300 s with interrupts off" || return 1
	sleep 1
	check "$dom: still busy, no prompt" sh -c \
		"! tail -n 1 '$(guest_log "$dom")' | grep -q 'pv> '"
	check "xl destroy $dom" guest_destroy "$dom" &&
		check "$dom gone after xl destroy" guest_wait_gone "$dom" 30
}

# pv-control:IMAGE: an unknown request in control/shutdown is logged,
# cleared and ignored; the guest goes on answering.  A 3000-byte value,
# three times the ring, is read back whole (its reply comes in pieces).
test_pv_control() {
	local img dom id path
	img=${1:?pv-control needs an image}; dom=$img-ctl
	guest_create "$dom" "$img" 'cmdline = ""' || return 1
	pv_ready "$dom" || return 1
	id=$(guest_domid "$dom")
	path=/local/domain/$id/control/shutdown
	check "xenstore-write control/shutdown bogus" \
		xenstore-write "$path" bogus || return 1
	check "$dom logs the unknown request" guest_wait "$dom" \
		"unknown request 'bogus' in control/shutdown: cleared and ignored" 30
	check "$dom cleared control/shutdown" [ -z "$(xenstore-read "$path")" ]
	check "$dom still answers" pv_cmd "$dom" "xs read name" "name = \"$dom\""
	check "$dom still running" guest_running "$dom"
	check "xenstore-write data/big (3000 bytes)" xenstore-write \
		"/local/domain/$id/data/big" "$(pv_big_value)" || return 1
	check "$dom reads the 3000 bytes back" pv_cmd "$dom" "xs read data/big" \
		'data/big = "0123456789abcdef.*9876543210-end" \(3000 bytes\)'
}

# 3000 bytes: 0123456789abcdef... (2986 bytes), then 9876543210-end.
pv_big_value() {
	awk 'BEGIN { for (i = 0; i < 2986; i++)
		printf "%s", substr("0123456789abcdef", i % 16 + 1, 1)
		printf "9876543210-end" }'
}

# pv-nostore:IMAGE: a store that stops answering.  With xenstored stopped
# (SIGSTOP), `xs read name` on the console times out with a message and
# the error, the guest goes on; once xenstored continues, the stale reply
# is dropped and requests work again.  (The same timeout during boot ends
# the domain with SHUTDOWN_crash: `xl unpause` itself needs the store, so
# the bed cannot start a guest with the store stopped.)
test_pv_nostore() {
	local img dom pid tty mark rc=0
	img=${1:?pv-nostore needs an image}; dom=$img-nostore
	guest_create "$dom" "$img" 'cmdline = ""' || return 1
	pv_ready "$dom" || return 1
	tty=$(guest_tty "$dom") || return 1 # xl needs the store: ask it now
	pid=$(cat /run/xenstored.pid)
	check "xenstored stopped" kill -STOP "$pid" || return 1
	mark=$(guest_lines "$dom")
	printf 'xs read name\n' >"$tty"
	check "$dom: says the store does not answer" guest_wait "$dom" \
		"xenbus: no answer from the store within [0-9]+ ms" 30 "$mark" &&
		check "$dom: the request fails with ETIMEDOUT" guest_wait "$dom" \
			"xs: read name: ETIMEDOUT" 10 "$mark" || rc=1
	check "xenstored continued" kill -CONT "$pid" || return 1
	[ $rc = 0 ] || return 1
	check "$dom: the store answers again" \
		pv_cmd "$dom" "xs read name" "name = \"$dom\"" || return 1
	check "$dom: the late reply was dropped" \
		pv_cmd "$dom" "xs stats" "1 timeouts.* 1 stale replies" || return 1
	check "xl shutdown $dom" guest_shutdown "$dom" &&
		check "$dom gone" guest_wait_gone "$dom" 30
}

# pv-two:IMAGE[,LINUX]: two of our guests at once, each passing and
# answering on its own console, and the Linux DomU beside them unaffected.
test_pv_two() {
	local img lin d
	img=${1:?pv-two needs an image}; lin=${2:-}
	guest_create "$img-a" "$img" || return 1
	guest_create "$img-b" "$img" || return 1
	if [ -n "$lin" ]; then
		guest_create "$lin-c" "$lin" || return 1
	fi
	for d in "$img-a" "$img-b"; do
		pv_result "$d" 120 && pv_ready "$d" || return 1
	done
	xl list
	for d in "$img-a" "$img-b"; do
		check "$d answers on its own console" \
			pv_cmd "$d" "xs read name" "name = \"$d\"" || return 1
	done
	if [ -n "$lin" ]; then
		linux_up "$lin-c" || return 1
		check "line sent to $lin-c" guest_send "$lin-c" "to-$lin-c" &&
			check "$lin-c echoes its line" guest_wait "$lin-c" \
				"got line 'to-$lin-c'" 30 &&
			check "$lin-c powered off by itself" \
				guest_wait_gone "$lin-c" 60
	fi
	for d in "$img-a" "$img-b"; do
		check "xl shutdown $d" guest_shutdown "$d" &&
			check "$d gone" guest_wait_gone "$d" 30 || return 1
	done
}

# pv-small:IMAGE: memory = 4 (MiB): a clear message, then SHUTDOWN_crash.
test_pv_small() {
	local img dom
	img=${1:?pv-small needs an image}; dom=$img-small
	guest_create "$dom" "$img" "memory = 4" 'on_crash = "preserve"' \
		'cmdline = ""' || return 1
	check "$dom: says its memory is too small" guest_wait "$dom" \
		"too little memory: this domain has 4096 KiB" 60
	pv_crashed "$dom"
}

# pv-badtable:IMAGE: an image whose site table fails its checks (the host
# side changed its ABI hash): sites left indirect with a message, the run
# fails and the domain reports a crash.
test_pv_badtable() {
	local img dom
	img=${1:?pv-badtable needs an image}; dom=$img
	guest_create "$dom" "$img" 'on_crash = "preserve"' 'cmdline = ""' ||
		return 1
	check "$dom: the patcher says why" guest_wait "$dom" \
		"pv: patching failed: error -1; sites left indirect" 60
	check "$dom: pv-summary: nothing patched" guest_wait "$dom" \
		'"inline":0,"hypercall":0,"direct":0,' 30
	check "$dom: RESULT: FAIL" guest_wait "$dom" "^RESULT: FAIL" 30
	pv_crashed "$dom"
}
