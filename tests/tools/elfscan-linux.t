#!/bin/sh
# elfscan-linux.t: elfscan --linux on Debian's own 6.1 kernel: every table's
# count equals its section size over the record size, BTF names, speed.
. tests/tools/tap.sh
E=$B/tools/elfscan

# Downloaded once, then cached under build/linux/ (as Xen under build/xen/).
if ! V=$(scripts/fetch-linux-vmlinux 2>$T/fetch); then
	echo "1..1"
	echo "not ok 1 - Debian's vmlinux: $(tail -n 1 $T/fetch) (scripts/fetch-linux-vmlinux needs apt-get and Debian's archive)"
	exit 1
fi

run $E --linux $V
is $rc 0 "elfscan --linux on $(basename $(dirname $V))/vmlinux"
# section size / record size, from readelf, for each table present
while read sec key size; do
	h=$(readelf -SW $V | sed 's/^ *\[ *[0-9]*\]//' | awk -v s=$sec '$1 == s { print $5 }')
	if [ -z "$h" ]; then
		like $T/out "^$key +not present" "$key: no $sec section, reported absent"
		continue
	fi
	want=$((0x$h / size))
	like $T/out "^$key +$want records of +$size bytes \\($sec\\), 0 invalid" \
		"$key: $want records = readelf size 0x$h / $size, none invalid"
done <<EOF2
.parainstructions parainstructions 16
.altinstructions altinstructions 12
.retpoline_sites retpoline_sites 4
.return_sites return_sites 4
.static_call_sites static_call_sites 8
__jump_table jump_table 16
.call_sites call_sites 4
.ibt_endbr_seal ibt_endbr_seal 4
EOF2
like $T/out '^  type  30 irq.save_fl ' "BTF names paravirt type 30 irq.save_fl"
like $T/out '^  type +[0-9]+ mmu.lazy_mode.enter ' "BTF names nested members"
like $T/out '^  [0-9]+ distinct features' "alternatives: distinct CPU features"
ms=$(awk '/^time:/ { print int($2) }' $T/out)
[ "${ms:-9999}" -lt 1000 ]
ok $? "run time ${ms} ms is under 1 s"
echo "# $(grep -E '^(parainstructions|altinstructions|retpoline_sites|return_sites) ' $T/out | tr -s ' ' | tr '\n' ';') $(grep '^time' $T/out)"

run $E --linux --json $V
is $rc 0 "--json"
why=$(tests/lib/need python3) || echo "# $why"
python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
p = d["parainstructions"]
assert p["count"] == sum(p["by_type"].values()), "by_type sums to count"
assert p["names"]["30"] == "irq.save_fl"
assert d["altinstructions"]["count"] > 0 and d["altinstructions"]["features"]
for k in ("static_call_sites", "jump_table", "retpoline_sites", "return_sites"):
	assert k in d, k
' $T/out
ok $? "JSON keys: counts, by_type with names, features"

# start/stop symbols from a System.map locate tables that have no section
printf 'ffffffffffffffff B __start___jump_table\n' >$T/map
run $E --linux --system-map $T/map $V
is $rc 0 "--system-map with a useless map still works"
run $E --linux --system-map $T/missing $V
is "$rc/$(lines $T/err)" "1/1" "--system-map: unreadable file is one error"
run $E --linux $FIX/fixture.elf
is $rc 0 "--linux on a non-Linux ELF reports empty tables"
done_testing
