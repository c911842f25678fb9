#!/bin/sh
# harness.sh: the DomU test harness, run inside the test bed's Dom0 (busybox
# sh) by tests/boot/domu/init.sh once the Xen toolstack is up.  scripts/run-domu
# puts it at /domu/harness.sh, together with:
#
#   /domu/run.conf                 DOMU_TESTS: one "test[:arg,arg...]" a line
#   /domu/guests/IMAGE/kernel      guest kernel image (--guest IMAGE=PATH)
#   /domu/guests/IMAGE/cmdline     its command line (may be empty)
#   /domu/guests/IMAGE/ramdisk     optional (--ramdisk IMAGE=PATH)
#   /domu/guests/IMAGE/memory      optional, MiB (--memory IMAGE=MIB; default 32)
#
# Each test case is one shell function test_NAME (dashes in NAME become
# underscores), here or in tests/boot/domu/cases/*.sh (copied to /domu/cases
# and sourced); `--test NAME:a,b` calls test_NAME a b.  A test case uses the
# helpers below, reports each check with ok/not_ok, and returns non-zero on
# failure.  Output (on the serial line, through Dom0's hvc0):
#
#   domu: ok 1 - linux-boot: xl create linux
#   domu: not ok 2 - ...
#   [DOM] ...                  each guest's console, live, from xenconsoled's
#                              /var/log/xen/console/guest-DOM.log
#   domu: 1..N
#   DOMU-RESULT: PASS | FAIL
#
# Xen tools used: xl (create, list, domid, shutdown, reboot, destroy),
# xenstore-read (console tty), xenconsoled's logs.

LOGDIR=/var/log/xen/console
CFGDIR=/run/domu
GUESTS=/domu/guests
mkdir -p "$CFGDIR"

NCHECK=0
NFAIL=0
CUR_TEST=""
RELAYS=""

# --- reporting ----------------------------------------------------------------
# now: Dom0 uptime in seconds ("12.34"); since T: seconds from T to now
# ("1.2"); elapsed_ge T SECONDS: at least SECONDS (whole) have passed since T.
# Shell builtins only.
now() { local up; read -r up _ </proc/uptime; echo "$up"; }
_cs() { echo $((${1%.*} * 100 + 1${1#*.} - 100)); } # "12.34" -> 1234
since() { local d=$(($(_cs "$(now)") - $(_cs "$1"))); printf '%d.%d' $((d / 100)) $((d % 100 / 10)); }
elapsed_ge() { [ $(($(_cs "$(now)") - $(_cs "$1"))) -ge $(($2 * 100)) ]; }
diag() { echo "domu: # $*"; }
ok() { NCHECK=$((NCHECK + 1)); echo "domu: ok $NCHECK - $CUR_TEST: $*"; }
not_ok() {
	NCHECK=$((NCHECK + 1)); NFAIL=$((NFAIL + 1))
	echo "domu: not ok $NCHECK - $CUR_TEST: $*"
}
# sig_retry CMD...: runs CMD, and again (up to 3 times) if a signal killed it.
# Without Xen's spec-ctrl=eager-fpu (run-domu sets it), new processes in the
# domains die of SIGSEGV at random under QEMU TCG (docs/domu.md, "Known
# limits"); should that come back, a crashed xl must not fail a test.
sig_retry() {
	local i=0 rc
	while :; do
		"$@"
		rc=$?
		if [ $rc -lt 129 ] || [ $rc -gt 159 ] || [ $i -ge 3 ]; then return $rc; fi
		i=$((i + 1))
		echo "domu: # '$*' killed by signal $((rc - 128)), retrying" >&2
	done
}
check() { # check "DESCRIPTION" CMD ARGS...: ok if CMD succeeds
	local desc
	desc=$1; shift
	if "$@"; then ok "$desc"; return 0; fi
	not_ok "$desc"; return 1
}

# --- guests -------------------------------------------------------------------
# A guest IMAGE is what run-domu passed in (/domu/guests/IMAGE); a domain DOM
# is one running instance of it (xl name DOM, log guest-DOM.log).
guest_log() { echo "$LOGDIR/guest-$1.log"; }

# guest_config DOM [IMAGE [XL-CONFIG-LINE...]]: writes /run/domu/DOM.cfg for
# a PV domain named DOM running IMAGE (kernel, ramdisk, cmdline; memory from
# run-domu --memory, default 32 MiB; 1 vcpu; on_poweroff/on_crash destroy,
# on_reboot restart).  Extra lines such as "memory = 4" replace the default
# setting of the same key.  Prints the config's path.
guest_config() {
	local dom img gdir mem cfg line keys k
	dom=$1; img=${2:-$1}
	[ $# -ge 2 ] && shift 2 || shift 1
	gdir=$GUESTS/$img
	[ -f "$gdir/kernel" ] || { echo "no guest image '$img' (run-domu --guest $img=PATH)" >&2; return 1; }
	mem=32
	[ -f "$gdir/memory" ] && mem=$(cat "$gdir/memory")
	keys=" "
	for line in "$@"; do
		k=${line%%=*}
		keys="$keys$(echo $k) "
	done
	cfg=$CFGDIR/$dom.cfg
	{
		def() { case $keys in *" $1 "*) ;; *) echo "$1 = $2" ;; esac; }
		def name "\"$dom\""
		def type '"pv"'
		def kernel "\"$gdir/kernel\""
		[ -f "$gdir/ramdisk" ] && def ramdisk "\"$gdir/ramdisk\""
		[ -s "$gdir/cmdline" ] && def cmdline "\"$(sed 's/[\\"]/\\&/g' "$gdir/cmdline")\""
		def memory "$mem"
		def vcpus 1
		def on_poweroff '"destroy"'
		def on_reboot '"restart"'
		def on_crash '"destroy"'
		for line in "$@"; do echo "$line"; done
	} >"$cfg"
	echo "$cfg"
}

# guest_create DOM [IMAGE [XL-CONFIG-LINE...]]: guest_config, then `xl create`
# (reported as a check) and relays DOM's console to the serial line as
# "[DOM] ..." lines.
guest_create() {
	local dom cfg log t i rc
	dom=$1
	if ! cfg=$(guest_config "$@" 2>"$CFGDIR/$dom.create"); then
		not_ok "$(cat "$CFGDIR/$dom.create")"
		return 1
	fi
	log=$(guest_log "$dom")
	[ -f "$log" ] && mv "$log" "$log.old"
	t=$(now)
	i=0
	while :; do
		timeout 120 xl create "$cfg" >"$CFGDIR/$dom.create" 2>&1
		rc=$?
		[ $rc -gt 128 ] && [ $rc -lt 160 ] && [ $i -lt 3 ] || break
		i=$((i + 1))
		diag "xl create $dom killed by signal $((rc - 128)), retrying"
		sig_retry xl destroy "$dom" >/dev/null 2>&1
	done
	if [ $rc = 0 ]; then
		ok "xl create $dom ($(since "$t") s)"
		relay_start "$dom"
		return 0
	fi
	sed "s/^/domu: #   /" "$CFGDIR/$dom.create"
	not_ok "xl create $dom"
	return 1
}

# relay_start DOM: copies DOM's console log, live, to the serial line as
# "[DOM] ..." lines: `tail -F` into a fifo read by a background subshell,
# which starts tail again after the last line relayed if it dies.
relay_start() {
	relay_loop "$1" "$(guest_log "$1")" &
	RELAYS="$RELAYS $1:$!"
}
relay_loop() {
	local dom=$1 log=$2 fifo=$CFGDIR/$1.relay n=0 line cr
	cr=$(printf '\r')
	rm -f "$fifo"
	mkfifo "$fifo" || return 1
	while :; do
		tail -n "+$((n + 1))" -F "$log" >"$fifo" 2>/dev/null &
		echo $! >"$fifo.pid"
		while IFS= read -r line; do
			n=$((n + 1))
			echo "[$dom] ${line%"$cr"}"
		done <"$fifo"
		sleep 0.2
	done
}
relays_stop() {
	local r
	[ -n "$RELAYS" ] || return 0
	sleep 1.5 # tail -F polls once a second
	for r in $RELAYS; do
		kill "${r#*:}" 2>/dev/null
		kill "$(cat "$CFGDIR/${r%%:*}.relay.pid" 2>/dev/null)" 2>/dev/null
	done
	RELAYS=""
}

guest_domid() { sig_retry xl domid "$1" 2>/dev/null; }
guest_running() { guest_domid "$1" >/dev/null; }
guest_lines() { # number of lines in DOM's console log so far
	wc -l <"$(guest_log "$1")" 2>/dev/null || echo 0
}

# guest_wait DOM ERE [TIMEOUT [FROM_LINE]]: waits until a line after FROM_LINE
# (default 0; see guest_lines) of DOM's console log matches ERE (TIMEOUT in
# whole seconds, default 60).
guest_wait() {
	local dom re to from log t
	dom=$1; re=$2; to=${3:-60}; from=${4:-0}
	log=$(guest_log "$dom")
	t=$(now)
	# Polls twice a second: every process spawned in Dom0 takes CPU time from
	# the guests under TCG.
	while :; do
		if [ -f "$log" ]; then
			if [ "$from" = 0 ]; then
				grep -Eq -- "$re" "$log"
			else
				tail -n "+$((from + 1))" "$log" | grep -Eq -- "$re"
			fi && { diag "$dom: '$re' after $(since "$t") s"; return 0; }
		fi
		if elapsed_ge "$t" "$to"; then
			diag "$dom: no '$re' within $to s"
			return 1
		fi
		sleep 0.5
	done
}

# guest_wait_gone DOM [TIMEOUT]: waits until DOM is no longer in `xl list`.
guest_wait_gone() {
	local dom to t
	dom=$1; to=${2:-60}; t=$(now)
	while guest_running "$dom"; do
		if elapsed_ge "$t" "$to"; then
			return 1
		fi
		sleep 0.5
	done
	diag "$dom: gone after $(since "$t") s"
	return 0
}

# guest_tty DOM: the Dom0 pty that xenconsoled attached to DOM's console.
guest_tty() {
	local id
	id=$(guest_domid "$1") || return 1
	sig_retry xenstore-read "/local/domain/$id/console/tty"
}
# guest_send DOM TEXT: types TEXT and a newline on DOM's console (what
# `xl console` would do, without its interactive terminal).
guest_send() {
	local tty
	tty=$(guest_tty "$1") || return 1
	[ -c "$tty" ] || return 1
	printf '%s\n' "$2" >"$tty"
}

guest_shutdown() { sig_retry timeout 60 xl shutdown "$1"; } # returns at once: guest_wait_gone
guest_reboot() { sig_retry timeout 60 xl reboot "$1"; }
guest_destroy() { sig_retry timeout 60 xl destroy "$1"; }

# Destroys every domain but Dom0 (between test cases).
destroy_all() {
	local d
	for d in $(sig_retry xl list 2>/dev/null | sed -n '2,$s/^\([^ ]*\)  *\([0-9]*\) .*/\1 \2/p' |
		while read -r n id; do [ "$id" = 0 ] || echo "$n"; done); do
		diag "destroying leftover domain $d"
		sig_retry timeout 60 xl destroy "$d" 2>/dev/null
	done
}

# --- test cases -----------------------------------------------------------------
# test_NAME [ARGS]: one per test case; run-domu --test NAME[:ARG,ARG...].
# To add one: write a function here (create with guest_create, wait with
# guest_wait, act with guest_send/guest_shutdown/guest_reboot/guest_destroy,
# report with ok/not_ok/check, return non-zero on failure); leftover domains
# are destroyed after each test case.

# boot:IMAGE[,MARKER[,TIMEOUT]]: create IMAGE, wait for MARKER (an ERE,
# default "RESULT: PASS") on its console, check xl list, destroy it.
test_boot() {
	local img marker to
	img=${1:?boot needs an image name}; marker=${2:-RESULT: PASS}; to=${3:-60}
	guest_create "$img" "$img" || return 1
	check "$img prints '$marker'" guest_wait "$img" "$marker" "$to" || return 1
	check "$img in xl list" guest_running "$img" || return 1
	guest_destroy "$img"
	check "$img destroyed" guest_wait_gone "$img" 30
}

# The Linux DomU of scripts/dom0-initrd (run-domu --linux: image "linux")
# prints "linux-domu: up" and "RESULT: PASS", then waits 60 s for a line on
# its console, echoes it and powers off; /sbin/poweroff and /sbin/reboot
# answer xl shutdown / xl reboot.

# linux_up DOM [FROM_LINE]: waits for DOM's marker lines.
linux_up() {
	check "$1 console: 'linux-domu: up'" guest_wait "$1" "linux-domu: up" 90 "${2:-0}" &&
		check "$1 console: RESULT: PASS" guest_wait "$1" "^RESULT: PASS" 30 "${2:-0}"
}

# linux-boot[:IMAGE]: create, marker, xl list, a line sent into its console,
# the guest powers off by itself.
test_linux_boot() {
	local img dom t0
	img=${1:-linux}; dom=$img
	t0=$(now)
	guest_create "$dom" "$img" || return 1
	check "$dom: a first console line" guest_wait "$dom" "." 60 || return 1
	diag "$dom: first console line $(since "$t0") s after xl create was called"
	linux_up "$dom" || return 1
	diag "$dom: marker $(since "$t0") s after xl create was called"
	check "$dom in xl list" guest_running "$dom" || return 1
	xl list
	diag "$dom console tty: $(guest_tty "$dom")"
	check "$dom: line sent to its console" guest_send "$dom" "hello-from-dom0" || return 1
	check "$dom echoes the line" guest_wait "$dom" "got line 'hello-from-dom0" 30 || return 1
	if guest_wait_gone "$dom" 60; then
		ok "$dom powered off by itself"
	else
		not_ok "$dom powered off by itself (destroying it)"
		guest_destroy "$dom"
		return 1
	fi
}

# linux-shutdown[:IMAGE]: xl shutdown of a running guest.
test_linux_shutdown() {
	local dom=${1:-linux}
	guest_create "$dom" "$dom" || return 1
	linux_up "$dom" || return 1
	check "xl shutdown $dom" guest_shutdown "$dom" || return 1
	check "$dom gone after xl shutdown" guest_wait_gone "$dom" 60
}

# linux-reboot[:IMAGE]: xl reboot; the domain restarts (new domid) and comes
# up again; then xl destroy.
test_linux_reboot() {
	local dom=${1:-linux} id1 id2 mark
	guest_create "$dom" "$dom" || return 1
	linux_up "$dom" || return 1
	id1=$(guest_domid "$dom")
	mark=$(guest_lines "$dom")
	check "xl reboot $dom" guest_reboot "$dom" || return 1
	linux_up "$dom" "$mark" || return 1
	id2=$(guest_domid "$dom")
	check "$dom restarted with a new domid ($id1 -> $id2)" [ -n "$id2" -a "$id1" != "$id2" ] || return 1
	check "xl destroy $dom" guest_destroy "$dom" || return 1
	check "$dom gone after xl destroy" guest_wait_gone "$dom" 30
}

# linux-two[:IMAGE]: two domains of one image at once: a line sent into
# IMAGE-a's console reaches IMAGE-a only, which powers off; xl shutdown ends
# IMAGE-b.
test_linux_two() {
	local img=${1:-linux} d
	guest_create "$img-a" "$img" || return 1
	guest_create "$img-b" "$img" || return 1
	for d in "$img-a" "$img-b"; do linux_up "$d" || return 1; done
	xl list
	check "line sent to $img-a" guest_send "$img-a" "to-$img-a" || return 1
	check "$img-a got it" guest_wait "$img-a" "got line 'to-$img-a'" 30 || return 1
	check "$img-a powered off by itself" guest_wait_gone "$img-a" 60 || return 1
	check "$img-b did not get it" sh -c "! grep -q 'to-$img-a' '$(guest_log "$img-b")'"
	check "$img-b still running" guest_running "$img-b" || return 1
	check "xl shutdown $img-b" guest_shutdown "$img-b" || return 1
	check "$img-b says poweroff requested" guest_wait "$img-b" "poweroff requested" 30
	check "$img-b gone after xl shutdown" guest_wait_gone "$img-b" 60
}

# More test cases: tests/boot/domu/cases/*.sh, copied by run-domu to
# /domu/cases/ and sourced here (one file per kind of guest).
for f in /domu/cases/*.sh; do
	[ -f "$f" ] || continue
	. "$f" || echo "domu: # cannot source $f"
done

# --- main ------------------------------------------------------------------------
DOMU_TESTS=""
[ -f /domu/run.conf ] && . /domu/run.conf
echo "domu: harness, tests: $(echo "$DOMU_TESTS" | tr '\n' ' '); guest images: $(ls "$GUESTS" 2>/dev/null | tr '\n' ' ')"
for img in $(ls "$GUESTS" 2>/dev/null); do guest_config "$img" >/dev/null; done
ntests=0
set -f
nl='
'
IFS=$nl
for spec in $DOMU_TESTS; do
	IFS=' 	'"$nl"
	[ -n "$spec" ] || continue
	name=${spec%%:*}
	fn=test_$(echo "$name" | tr '-' '_')
	CUR_TEST=$spec
	ntests=$((ntests + 1))
	t=$(now)
	echo "domu: # --- $spec"
	if ! type "$fn" >/dev/null 2>&1; then
		not_ok "no such test case ($fn)"
		continue
	fi
	nf=$NFAIL
	if [ "$name" = "$spec" ]; then
		set --
	else
		IFS=,
		# shellcheck disable=SC2086
		set -- ${spec#*:}
		IFS=' 	'"$nl"
	fi
	if ! "$fn" "$@"; then
		[ "$NFAIL" -gt "$nf" ] || not_ok "failed"
	fi
	relays_stop
	destroy_all
	diag "$spec: $(since "$t") s"
	IFS=$nl
done
IFS=' 	'"$nl"
set +f
nseg=$(dmesg | grep -c 'segfault at')
[ "$nseg" = 0 ] || diag "Dom0 processes killed by SIGSEGV during the run: $nseg (docs/domu.md, Known limits)"
echo "domu: 1..$NCHECK"
if [ "$ntests" -eq 0 ] && [ "${DOMU_SHELL:-0}" = 1 ]; then
	echo "domu: no test cases"
elif [ "$ntests" -eq 0 ]; then
	echo "DOMU-RESULT: FAIL (no test case run)"
elif [ "$NFAIL" -eq 0 ]; then
	echo "DOMU-RESULT: PASS"
else
	echo "DOMU-RESULT: FAIL ($NFAIL of $NCHECK checks failed)"
fi
