# mem.sh: harness test cases for the balloon, save/restore, checkpoint and
# live migration (issue 13), for our kernel (pv-*) and the Linux DomU
# (linux-mem) as the reference; sourced by harness.sh after pv.sh (whose
# pv_ready, pv_cmd, pv_result it uses).  Run by tests/boot/domu/pv-mem.t
# and pv-migrate.t.  Figures go out as diagnostics "measure: DOM KEY VALUE".

SAVEDIR=/run/domu

measure() { diag "measure: $*"; }

# xl_mem DOM: DOM's memory in MiB as `xl list` shows it (Xen's page count).
xl_mem() { sig_retry xl list "$1" 2>/dev/null | awk 'NR == 2 { print $3 }'; }
# xl_free: `xl info` free_memory, MiB.
xl_free() { sig_retry xl info 2>/dev/null | awk '$1 == "free_memory" { print $3 }'; }
abs() { if [ "$1" -lt 0 ]; then echo $((-$1)); else echo "$1"; fi; }

# mem_wait DOM MIB TIMEOUT: until `xl list` shows MIB; sets MEM_S (seconds).
mem_wait() {
	local t
	t=$(now)
	while [ "$(xl_mem "$1")" != "$2" ]; do
		if elapsed_ge "$t" "$3"; then
			diag "$1: xl list shows $(xl_mem "$1") MiB, not $2, after $3 s"
			return 1
		fi
		sleep 0.2
	done
	MEM_S=$(since "$t")
}

# memset DOM MIB: xl mem-set; within 5 s `xl list` shows it; xl info's
# free_memory moved by as much (within 1 MiB).  Measures the time.
memset() {
	local dom=$1 m=$2 before f0 f1 moved t
	before=$(xl_mem "$dom")
	f0=$(xl_free)
	t=$(now)
	check "xl mem-set $dom ${m}m (from $before MiB)" \
		sig_retry xl mem-set "$dom" "${m}m" || return 1
	check "$dom: xl list shows $m MiB within 5 s" mem_wait "$dom" "$m" 5 ||
		return 1
	MEM_S=$(since "$t")
	measure "$dom memset_${before}_to_${m}_s $MEM_S"
	f1=$(xl_free)
	moved=$((f1 - f0))
	check "xl info free_memory moved by $moved MiB, $((before - m)) expected" \
		[ "$(abs $((moved - before + m)))" -le 1 ]
}

# pv_mem DOM MIB: the guest's `mem` line agrees (target and current).
pv_mem() {
	check "$1: mem says target and current $2 MiB" pv_cmd "$1" mem \
		"^mem: target_kib=$(($2 * 1024)) current_kib=$(($2 * 1024)) "
}

# pv_memtest DOM: memtest says PASS (it takes a second per 100 MiB in TCG).
pv_memtest() {
	check "$1: memtest answers" pv_cmd "$1" memtest "^memtest: (PASS|FAIL)" 90 &&
		check "$1: memtest PASS" sh -c "tail -n 5 '$(guest_log "$1")' |
			grep -q '^memtest: PASS pages='"
}

# pv-balloon:IMAGE: memory 64, maxmem 128: mem-set 40, 120, 64, each seen
# by xl list, mem and xl info, memtest after each; a target above maxmem
# (written to the store: xl refuses it) and one below the floor are
# clamped with a message, the guest goes on.
test_pv_balloon() {
	local img dom id m mark
	img=${1:?pv-balloon needs an image}; dom=$img-mem
	guest_create "$dom" "$img" "memory = 64" "maxmem = 128" 'cmdline = ""' ||
		return 1
	pv_ready "$dom" || return 1
	id=$(guest_domid "$dom")
	pv_mem "$dom" 64 || return 1
	for m in 40 120 64; do
		memset "$dom" "$m" || return 1
		pv_mem "$dom" "$m"
		pv_memtest "$dom" || return 1
	done
	mark=$(guest_lines "$dom")
	check "memory/target 200 MiB written to the store" \
		xenstore-write "/local/domain/$id/memory/target" 204800 || return 1
	check "$dom: clamped to maxmem, said" guest_wait "$dom" \
		"balloon: target 204800 KiB is above maxmem 131072 KiB: clamped to 131072 KiB" \
		30 "$mark"
	check "$dom: mem target is maxmem" pv_cmd "$dom" mem \
		"^mem: target_kib=131072 "
	mark=$(guest_lines "$dom")
	check "xl mem-set $dom 4m (below the floor)" sig_retry xl mem-set "$dom" 4m
	check "$dom: clamped to the floor, said" guest_wait "$dom" \
		"balloon: target 4096 KiB is below the floor [0-9]+ KiB .*: clamped to" \
		30 "$mark"
	check "$dom: mem says it is at its floor" pv_cmd "$dom" mem \
		"^mem: target_kib=([0-9]+) current_kib=\\1 floor_kib=\\1 " 30
	check "$dom still running" guest_running "$dom" || return 1
	m=$(tail -n 3 "$(guest_log "$dom")" | sed -n 's/^mem: target_kib=\([0-9]*\) .*/\1/p')
	measure "$dom floor_kib $m"
	check "$dom: its floor ($m KiB) is above 4096 KiB" [ "${m:-0}" -gt 4096 ]
	pv_memtest "$dom" || return 1
	memset "$dom" 64 && pv_mem "$dom" 64 && pv_memtest "$dom"
}

# save DOM FILE: xl save (measured: time and file size), the domain gone.
save() {
	local t
	t=$(now)
	check "xl save $1" sig_retry timeout 120 xl save "$1" "$2" || return 1
	measure "$1 save_s $(since "$t")"
	measure "$1 save_bytes $(wc -c <"$2")"
	check "$1 gone after xl save" guest_wait_gone "$1" 30
}

# restore DOM FILE: xl restore (measured), the file removed.
restore() {
	local t rc
	t=$(now)
	check "xl restore $1" sig_retry timeout 120 xl restore "$2"
	rc=$?
	measure "$1 restore_s $(since "$t")"
	rm -f "$2"
	return $rc
}

# pv_resumed DOM MARK: the guest says it resumed in a new domain, and that
# its patched text is as at boot.
pv_resumed() {
	check "$1: resumed in a new domain" guest_wait "$1" \
		"suspend: resumed in a new domain" 60 "$2" &&
		check "$1: text hash unchanged since boot" guest_wait "$1" \
			"suspend: text hash [0-9a-f]+, unchanged since boot" 10 "$2"
}

# pv-save:IMAGE: save and restore: resumes=1, memtest, selftest (all
# modes) and sites pass, the text hash unchanged; four more cycles; xl
# info free_memory ends where it started.
test_pv_save() {
	local img dom f f0 f1 mark i id
	img=${1:?pv-save needs an image}; dom=$img-save
	f=$SAVEDIR/$dom.save
	guest_create "$dom" "$img" || return 1 # 32 MiB: five cycles, fast
	pv_result "$dom" && pv_ready "$dom" || return 1
	f0=$(xl_free)
	for i in 1 2 3 4 5; do
		id=$(guest_domid "$dom")
		mark=$(guest_lines "$dom")
		save "$dom" "$f" && restore "$dom" "$f" || return 1
		pv_resumed "$dom" "$mark" || return 1
		check "$dom: a new domid ($id -> $(guest_domid "$dom"))" \
			[ "$(guest_domid "$dom")" != "$id" ]
		check "$dom: uptime says resumes=$i" pv_cmd "$dom" uptime \
			"^uptime: boot_s=[0-9]+ resumes=$i checkpoints=0" || return 1
		[ "$i" = 1 ] || continue
		pv_memtest "$dom" || return 1
		mark=$(guest_lines "$dom")
		check "$dom: selftest after restore" pv_cmd "$dom" selftest \
			"^RESULT: " 120 &&
			check "$dom: selftest PASS after restore" guest_wait "$dom" \
				"^RESULT: PASS" 1 "$mark"
		check "$dom: every site holds its plan after restore" \
			pv_cmd "$dom" sites "sites: ([0-9]+) of \\1 hold"
	done
	f1=$(xl_free)
	measure "$dom free_before_after_5_cycles $f0 $f1"
	check "xl info free_memory after 5 cycles: $f1 MiB, $f0 before" \
		[ "$(abs $((f1 - f0)))" -le 1 ]
	check "$dom answers after 5 cycles" pv_cmd "$dom" "xs read name" \
		"name = \"$dom\""
}

# pv-save-ballooned:IMAGE: mem-set 48, save, restore: still 48 MiB.
test_pv_save_ballooned() {
	local img dom f mark
	img=${1:?pv-save-ballooned needs an image}; dom=$img-b48
	f=$SAVEDIR/$dom.save
	guest_create "$dom" "$img" "memory = 64" 'cmdline = ""' || return 1
	pv_ready "$dom" || return 1
	memset "$dom" 48 || return 1
	mark=$(guest_lines "$dom")
	save "$dom" "$f" && restore "$dom" "$f" || return 1
	pv_resumed "$dom" "$mark" || return 1
	check "$dom: xl list shows 48 MiB after restore" mem_wait "$dom" 48 5
	pv_mem "$dom" 48
	pv_memtest "$dom"
}

# pv-checkpoint:IMAGE: xl save -c: the guest carries on (checkpoints=1);
# the image restores after the original is destroyed.
test_pv_checkpoint() {
	local img dom f id mark t
	img=${1:?pv-checkpoint needs an image}; dom=$img-ckpt
	f=$SAVEDIR/$dom.save
	guest_create "$dom" "$img" "memory = 64" 'cmdline = ""' || return 1
	pv_ready "$dom" || return 1
	id=$(guest_domid "$dom")
	mark=$(guest_lines "$dom")
	t=$(now)
	check "xl save -c $dom" sig_retry timeout 120 xl save -c "$dom" "$f" ||
		return 1
	measure "$dom checkpoint_s $(since "$t")"
	measure "$dom checkpoint_bytes $(wc -c <"$f")"
	check "$dom: says the checkpoint is done" guest_wait "$dom" \
		"suspend: checkpoint done, carrying on in domain $id" 30 "$mark"
	check "$dom: same domid $id" [ "$(guest_domid "$dom")" = "$id" ]
	check "$dom: uptime says checkpoints=1" pv_cmd "$dom" uptime \
		"^uptime: boot_s=[0-9]+ resumes=0 checkpoints=1" || return 1
	pv_memtest "$dom" || return 1
	check "xl destroy $dom" guest_destroy "$dom" &&
		check "$dom gone" guest_wait_gone "$dom" 30 || return 1
	mark=$(guest_lines "$dom")
	restore "$dom" "$f" || return 1
	pv_resumed "$dom" "$mark" || return 1
	check "$dom: restored from the checkpoint, resumes=1" pv_cmd "$dom" \
		uptime "^uptime: boot_s=[0-9]+ resumes=1 checkpoints=0"
	pv_memtest "$dom"
}

# pv-migrate:IMAGE: xl migrate to this host (-s '' runs the host argument
# as the receiving command): the guest runs in a new domain, answers on
# its console, memtest passes, the old domid is gone.  The new domain was
# created as DOM--incoming, so xenconsoled logs its console under that
# name: DOM's log name is pointed at it.
test_pv_migrate() {
	local img dom id1 id2 t log
	img=${1:?pv-migrate needs an image}; dom=$img-mig
	guest_create "$dom" "$img" 'cmdline = ""' || return 1
	pv_ready "$dom" || return 1
	id1=$(guest_domid "$dom")
	t=$(now)
	check "xl migrate $dom to this host" sig_retry timeout 300 \
		xl migrate -s '' "$dom" "xl migrate-receive" || return 1
	measure "$dom migrate_s $(since "$t")"
	log=$(guest_log "$dom")
	if [ -f "$(guest_log "$dom--incoming")" ]; then
		mv "$log" "$log.old"
		ln -s "guest-$dom--incoming.log" "$log"
	fi
	pv_resumed "$dom" 0 || return 1
	id2=$(guest_domid "$dom")
	check "$dom: new domid ($id1 -> $id2)" [ -n "$id2" -a "$id2" != "$id1" ]
	check "old domid $id1 gone" sh -c "! xl list | awk '{ print \$2 }' |
		grep -qx '$id1'"
	check "$dom answers on its console" pv_cmd "$dom" "xs read domid" \
		"domid = \"$id2\"" || return 1
	check "$dom: uptime says resumes=1" pv_cmd "$dom" uptime \
		"^uptime: boot_s=[0-9]+ resumes=1 checkpoints=0"
	pv_memtest "$dom"
}

# linux-mem:IMAGE: the reference: Debian's Linux DomU (128 MiB) through
# the same mem-set (down to 96 MiB, back to 128) and save/restore, then it
# still echoes a line sent to its console.  Its init waits 60 s for that
# line: all this must fit (about 20 s).
test_linux_mem() {
	local img dom f
	img=${1:-linux}; dom=$img-mem
	f=$SAVEDIR/$dom.save
	guest_create "$dom" "$img" || return 1
	linux_up "$dom" || return 1
	memset "$dom" 96 || return 1
	memset "$dom" 128 || return 1
	save "$dom" "$f" && restore "$dom" "$f" || return 1
	check "$dom: line sent after restore" guest_send "$dom" "after-restore" &&
		check "$dom echoes it" guest_wait "$dom" "got line 'after-restore'" 30
}

# mem-swing:IMAGE[,LINUX]: the figures of bench/domu-mem and `make run`:
# our guest (64 MiB, maxmem 128) ballooned to 40, 120 and 64 MiB, then
# saved and restored; the Linux DomU beside it (if given) to 96 and back
# to 128 MiB, saved and restored.  Each step is a check too.
test_mem_swing() {
	local img lin dom f m mark
	img=${1:?mem-swing needs an image}; lin=${2:-}; dom=$img-swing
	f=$SAVEDIR/$dom.save
	guest_create "$dom" "$img" "memory = 64" "maxmem = 128" 'cmdline = ""' ||
		return 1
	pv_ready "$dom" || return 1
	for m in 40 120 64; do
		mark=$(guest_lines "$dom")
		memset "$dom" "$m" || return 1
		check "$dom: its balloon line" guest_wait "$dom" "balloon: (in|out) " 10 "$mark"
	done
	mark=$(guest_lines "$dom")
	save "$dom" "$f" && restore "$dom" "$f" || return 1
	pv_resumed "$dom" "$mark" || return 1
	check "xl destroy $dom" guest_destroy "$dom" || return 1
	[ -n "$lin" ] || return 0
	test_linux_mem "$lin"
}
