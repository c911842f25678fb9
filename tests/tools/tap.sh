# tap.sh: tiny TAP helpers for the tool tests (sourced, not run): run a
# command capturing status and output, then assert on them.
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
n=0
fails=0
B=build
FIX=$B/tests/tools/fixtures

ok() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		fails=$((fails + 1))
	fi
}

# run CMD...: status in $rc, stdout in $T/out, stderr in $T/err
run() {
	"$@" >"$T/out" 2>"$T/err"
	rc=$?
}

is() {
	[ "$1" = "$2" ]
	r=$?
	ok $r "$3"
	[ $r = 0 ] || echo "# got '$1', expected '$2'"
}

# like FILE REGEX NAME
like() {
	grep -Eq -- "$2" "$1"
	r=$?
	ok $r "$3"
	[ $r = 0 ] || { echo "# no match for '$2' in:"; sed 's/^/#   /' "$1" | head -20; }
}

lines() {
	wc -l <"$1" | tr -d ' '
}

done_testing() {
	echo "1..$n"
	[ $fails = 0 ]
}

# secoff FILE SECTION: the section's file offset, in decimal
secoff() {
	h=$(readelf -SW "$1" | sed 's/^ *\[ *[0-9]*\]//' |
		awk -v s="$2" '$1 == s { print $4 }')
	echo $((0x${h:-0}))
}

# poke FILE OFFSET HEX...: overwrite bytes at a decimal offset
poke() {
	f=$1 o=$2
	shift 2
	for b; do
		printf "\\$(printf '%03o' 0x$b)"
	done | dd of="$f" bs=1 seek="$o" conv=notrunc 2>/dev/null
}

# shdr FILE SECTION: file offset of the section's header, in decimal
shdr() {
	i=$(readelf -SW "$1" | sed -n 's/^ *\[ *\([0-9]*\)\] *\([^ ]*\) .*/\1 \2/p' |
		awk -v s="$2" '$2 == s { print $1 }')
	shoff=$(readelf -hW "$1" | awk '/Start of section headers/ { print $5 }')
	echo $((shoff + 64 * i))
}
