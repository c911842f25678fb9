# tap.sh: what the DomU tests (tests/boot/domu/*.t, bash) share, sourced
# by each from the repository root: the dependency check, one run of
# scripts/run-domu turned into TAP, its verdict, and the host's checks of a
# guest's pv-summary line.  Numbering is kept in TAP_N.
#
#   tap_need CMD...            fail the file with the install line if missing
#   tap_built FILE...          Bail out if make has not built FILE
#   tap_run_domu OUT ARG...    scripts/run-domu --quiet --out OUT ARG...;
#                              status in TAP_RC, stderr in OUT/run-domu.stderr
#   tap_serial OUT             each "domu: ok/not ok" line of OUT/serial.log
#                              a test, each "domu: # ..." a comment
#   tap_verdict OUT            run-domu's own verdict, one test
#   tap_say ok|"not ok" TEXT   one test
#   tap_check_guest DOM LINE PLATFORM HASH WHAT
#                              the pv-summary LINE of DOM: platform, selftests
#                              all pass, no site indirect or refused, text
#                              hash = HASH (WHAT names where HASH came from)
#   tap_summary LOG            the first pv-summary line of a guest's log
#   tap_field LINE NAME        one value of a pv-summary's JSON, unquoted
#   tap_plan                   the plan line, last

TAP_N=${TAP_N:-0}

tap_say() {
	TAP_N=$((TAP_N + 1))
	echo "$1 $TAP_N - $2"
}

tap_need() {
	local why
	if ! why=$(tests/lib/need "$@"); then
		printf '1..1\nnot ok 1 - %s\n' "$why"
		exit 1
	fi
}

tap_built() {
	local f
	for f; do
		[ -x "$f" ] || { echo "Bail out! $f missing (make)"; exit 1; }
	done
}

tap_run_domu() {
	local out=$1
	shift
	mkdir -p "$out"
	set +e
	scripts/run-domu --quiet --out "$out" "$@" 2>"$out/run-domu.stderr"
	TAP_RC=$?
	set -e
}

tap_serial() {
	local line
	[ -f "$1/serial.log" ] || return 0
	while IFS= read -r line; do
		line=${line%$'\r'}
		case $line in
		"domu: ok "*) tap_say ok "${line#domu: ok [0-9]* - }" ;;
		"domu: not ok "*)
			tap_say "not ok" "${line#domu: not ok [0-9]* - }" ;;
		"domu: # "*) echo "${line#domu: }" ;;
		esac
	done < <(grep -a '^domu: \(ok\|not ok\|#\) ' "$1/serial.log")
}

tap_verdict() {
	local log=$1/run-domu.stderr
	if [ "${TAP_RC:-1}" = 0 ]; then
		tap_say ok "run-domu: $(cat "$1/result")"
		return 0
	fi
	tap_say "not ok" "run-domu: $(tail -n 1 "$log")"
	sed 's/^/# /' "$log"
	if [ -f "$1/serial.log" ]; then
		echo "# last lines of $1/serial.log:"
		tail -n 40 "$1/serial.log" | tr -d '\r' | sed 's/^/#   /'
	fi
}

tap_summary() {
	[ -f "$1" ] && tr -d '\r' <"$1" | grep -a '^pv-summary: ' | head -n 1
}

tap_field() {
	echo "$1" | sed -n "s/.*\"$2\":\"\\{0,1\\}\\([^\",}]*\\).*/\\1/p"
}

tap_check_guest() {
	local dom=$1 s=$2 platform=$3 want=$4 what=$5 r
	if [ -z "$s" ]; then
		tap_say "not ok" "$dom: no pv-summary line"
		return 0
	fi
	echo "# $dom: $s"
	[ "$(tap_field "$s" platform)" = "$platform" ] && r=ok || r="not ok"
	tap_say "$r" "$dom: platform $platform"
	[ "$(tap_field "$s" selftests_fail)" = 0 ] &&
		[ "$(tap_field "$s" selftests_pass)" -gt 0 ] && r=ok || r="not ok"
	tap_say "$r" "$dom: selftests all pass ($(tap_field "$s" selftests_pass))"
	[ "$(tap_field "$s" indirect)" = 0 ] &&
		[ "$(tap_field "$s" refused)" = 0 ] && r=ok || r="not ok"
	tap_say "$r" "$dom: no site left indirect or refused"
	[ "$(tap_field "$s" text_hash)" = "$want" ] && r=ok || r="not ok"
	tap_say "$r" "$dom: text hash $(tap_field "$s" text_hash) = $what's $want"
}

tap_plan() {
	echo "1..$TAP_N"
}
