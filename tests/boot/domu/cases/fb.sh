# fb.sh: harness test cases for our kernel's paravirt screen and keyboard
# (issue 14): a vfb and a vkbd served by the QEMU that xl starts in Dom0.
# Sourced by harness.sh; run by tests/boot/domu/fb-guest.t, whose host
# side compares each screenshot with the image tools/fbrender draws from
# the text the guest printed (`screen hold`).
#
# A screenshot goes to the serial line gzip'd and in base64, between
#   domu: fbshot-begin NAME WxH
#   domu: fbshot <base64>
#   domu: fbshot-end NAME
# (scripts/fb-shots turns them back into NAME.ppm on the host).

FB_VFB="vfb = ['vnc=1,vnclisten=127.0.0.1']"

# fb_key DOM KEY...: keys by QEMU's names (sendkey), through the backend.
fb_key() {
	local dom=$1 k
	shift
	for k in "$@"; do
		sig_retry xl qemu-monitor-command "$dom" "sendkey $k" \
			>/dev/null || return 1
	done
}

# fb_type DOM TEXT: TEXT ([a-z0-9 ] only) and Enter, as keystrokes.
fb_type() {
	local dom=$1 s=$2 c keys=""
	while [ -n "$s" ]; do
		c=${s%"${s#?}"}; s=${s#?}
		case $c in
		" ") keys="$keys spc" ;;
		*) keys="$keys $c" ;;
		esac
	done
	# shellcheck disable=SC2086
	fb_key "$dom" $keys ret
}

# fb_shot DOM NAME: QEMU's screendump, copied to the serial line.
fb_shot() {
	local f=/tmp/fb-$2.ppm size
	rm -f "$f"
	sig_retry xl qemu-monitor-command "$1" "screendump $f" >/dev/null &&
		[ -s "$f" ] || return 1
	size=$(head -c 20 "$f" | tr '\n' ' ' | awk '{ print $2 "x" $3 }')
	diag "$1: screendump $2: $(wc -c <"$f") bytes, $size"
	echo "domu: fbshot-begin $2 $size"
	gzip -c "$f" | base64 | sed 's/^/domu: fbshot /'
	echo "domu: fbshot-end $2"
}

# fb_hold_shot DOM NAME: the guest freezes its screen and prints its text
# (screen hold), QEMU takes the picture, the guest goes live again.
fb_hold_shot() {
	check "$1: screen hold prints the screen's text" \
		pv_cmd "$1" "screen hold" "^screen: end" 30 || return 1
	check "$1: screenshot $2" fb_shot "$1" "$2" || return 1
	check "$1: screen live" pv_cmd "$1" "screen live" "^screen: live" 30
}

# fb_qemu_pid DOMID: the device model of that domain.
fb_qemu_pid() {
	ps | awk -v id="$1" '/xen-qemu-system-i386/ && !/awk/ {
		for (i = 1; i < NF; i++)
			if ($i == "-xen-domid" && $(i + 1) == id) print $1 }'
}

# fb_up DOM IMAGE: DOM created with a vfb (and so a vkbd); the selftests
# pass, the loop is up, both frontends connect.
fb_up() {
	local t0
	t0=$(now)
	guest_create "$1" "$2" "$FB_VFB" || return 1
	# A run that fails ends in a crash before the loop: no screen.
	pv_result "$1" && pv_ready "$1" || return 1
	check "$1: fbfront connects" guest_wait "$1" \
		"fbfront: connected to .* first frame" 120 || return 1
	diag "$1: first frame $(since "$t0") s after xl create was called"
	check "$1: kbdfront connects" guest_wait "$1" \
		"kbdfront: connected" 30
}

# fb_sites DOM: `sites` typed on the vkbd runs; its output is on the
# console ring; the screen held and shot as NAME "screen".
fb_sites() {
	local mark
	mark=$(guest_lines "$1")
	check "$1: 'sites' typed on the vkbd (sendkey)" fb_type "$1" sites ||
		return 1
	check "$1: its output on the console ring" guest_wait "$1" \
		"sites: ([0-9]+) of \\1 hold their planned bytes" 60 "$mark" ||
		return 1
	fb_hold_shot "$1" screen
}

# fb-show:IMAGE: fb_up, fb_sites, xl shutdown (make run's step).
test_fb_show() {
	local dom=${1:?fb-show needs an image}-fb
	fb_up "$dom" "$1" && fb_sites "$dom" || return 1
	check "xl shutdown $dom" guest_shutdown "$dom" &&
		check "$dom gone" guest_wait_gone "$dom" 30
}

# fb-screen:IMAGE: the screen comes up through QEMU, a command typed on
# the vkbd runs, screenshots (800x600, then 640x480 after a resize), a
# resize it cannot do, a one-line bench, and the backend closing.
test_fb_screen() {
	local img dom id be
	img=${1:?fb-screen needs an image}; dom=$img-fb
	fb_up "$dom" "$img" && fb_sites "$dom" || return 1
	id=$(guest_domid "$dom")
	check "$dom: screen bench 200" pv_cmd "$dom" "screen bench 200" \
		"^screen: bench: " 60
	check "$dom: screen stats" pv_cmd "$dom" "screen" \
		"^screen: connected, 800x600" 30
	check "$dom: resize to 640x480" pv_cmd "$dom" "screen resize 640 480" \
		"^screen: resized to 640x480" 30 || return 1
	fb_hold_shot "$dom" resized || return 1
	check "$dom: resize to 1024x768 refused" pv_cmd "$dom" \
		"screen resize 1024 768" "resize: 1024x768 refused" 30
	check "$dom: still 640x480" pv_cmd "$dom" "screen" \
		"^screen: connected, 640x480" 30
	be=/local/domain/0/backend
	check "$dom: QEMU killed" kill -9 "$(fb_qemu_pid "$id")" || return 1
	check "$dom: backends say Closing" xenstore-write \
		"$be/vfb/$id/0/state" 5 "$be/vkbd/$id/0/state" 5 || return 1
	check "$dom: fbfront says the backend closed" guest_wait "$dom" \
		"fbfront: the backend closed: going on without a screen" 30
	check "$dom: kbdfront too, every grant ended" guest_wait "$dom" \
		"kbdfront: the backend closed: no keyboard .grant references in use: 0" 30
	check "$dom: still answers on its console" pv_cmd "$dom" \
		"xs read name" "name = \"$dom\"" 30
	check "$dom: screen: not connected" pv_cmd "$dom" "screen" \
		"^screen: not connected" 30
	check "xl destroy $dom" guest_destroy "$dom" &&
		check "$dom gone" guest_wait_gone "$dom" 30
}

# fb-nodm:IMAGE: a vfb whose backend never connects (no device model: the
# xenstore entries written by hand into a paused domain): the guest says
# so once after fb.timeout and goes on without a screen.
test_fb_nodm() {
	local img dom id fe be
	img=${1:?fb-nodm needs an image}; dom=$img-nodm
	cfg=$(guest_config "$dom" "$img" 'cmdline = "fb.timeout=5"') ||
		return 1
	check "xl create -p $dom" sig_retry timeout 120 xl create -p "$cfg" \
		>/dev/null || return 1
	relay_start "$dom"
	id=$(guest_domid "$dom")
	fe=/local/domain/$id/device/vfb/0
	be=/local/domain/0/backend/vfb/$id/0
	check "$dom: vfb entries with no backend behind" sh -c "
		xenstore-write $be/state 1 $be/frontend $fe &&
		xenstore-chmod -r $be n0 r$id &&
		xenstore-write $fe/backend $be $fe/backend-id 0 $fe/state 1 &&
		xenstore-chmod -r $fe n$id r0" || return 1
	check "xl unpause $dom" sig_retry xl unpause "$dom" || return 1
	pv_ready "$dom" || return 1
	check "$dom: says it goes on without a screen" guest_wait "$dom" \
		"fbfront: no backend connected within 5 s .*going on without a screen" 60 ||
		return 1
	sleep 2
	check "$dom: and says it once" [ "$(grep -c 'going on without a screen' \
		"$(guest_log "$dom")")" = 1 ]
	check "$dom: still answers" pv_cmd "$dom" "xs read name" \
		"name = \"$dom\"" 30
	check "xl destroy $dom" guest_destroy "$dom" &&
		check "$dom gone" guest_wait_gone "$dom" 30
}
