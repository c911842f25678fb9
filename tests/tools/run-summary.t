#!/bin/sh
# run-summary.t: make run's summaries from real stage logs (tests/tools/
# run-logs/), a failing DomU and broken logs among them; then run-stages
# over canned stages: the summary, a failing stage's tail, the table, the
# exit status, no control sequences, the line budget.
. tests/tools/tap.sh
S=scripts/run-summary
L=tests/tools/run-logs

run $S native $L/native.log
is $rc 0 "native: the summary finds everything"
like $T/out '^  split +inline 194  body 18  hypercall 0  direct 39  indirect 0  refused 0$' \
	"native: the split per strategy"
like $T/out '^  sites +251 of 16 bytes, text hash c3b1ce3f13088337$' "native: sites, text hash"
like $T/out '^  hot path +194 of 201 sites with a template inline \(96%\)$' "native: hot path share"
like $T/out '^  selftests +82 pass, 0 fail, 0 skip in [0-9]+ ms, RESULT: PASS$' "native: selftests"

head -n 150 $L/native.log >$T/cut.log
run $S native $T/cut.log
is $rc 1 "native: a log cut before the selftests fails the stage"
like $T/out '^  FAIL +kernel: no RESULT line$' "native: says the RESULT line is missing"
sed 's/^RESULT: PASS/RESULT: FAIL/' $L/native.log >$T/fail.log
run $S native $T/fail.log
is $rc 1 "native: RESULT: FAIL fails the stage"

run $S xen $L/xen.log
is $rc 0 "xen: the summary finds everything"
like $T/out '^  native +194 +18 +0 +39 +0 +0$' "xen: native split from the side-by-side table"
like $T/out '^  Xen PV +88 +33 +4 +126 +0 +0$' "xen: Xen split"
like $T/out '^  ops +35 of 55 differ' "xen: ops that differ, counted"
like $T/out '^    inline -> hcall +safe_halt 4$' "xen: safe_halt: inline natively, a hypercall on Xen"
like $T/out '^    direct -> inline +read_tscp 1$' "xen: read_tscp inlined on Xen only (rdtscp)"
c=$(grep -c 'irq_save_fl\|irq_disable ' $T/out)
is "$c" 0 "xen: ops patched the same way are not listed"
awk 'length > 100' $T/out >$T/long
is "$(lines $T/long)" 0 "xen: no line over 100 columns"

run $S domu $L/domu-fail.log
is $rc 1 "domu: a failed guest fails the stage"
like $T/out '^  created +xl create pv-boot in 4.4 s$' "domu: created, with the time"
like $T/out '^  booted +RESULT: FAIL, 2.5 s after' "domu: the guest's RESULT and when"
like $T/out '^  selftests +97 pass, 3 fail, 3 skip in 692 ms; failed: xen_m2p_foreign \(nopatch noinline full\)$' \
	"domu: failed selftests by name, modes folded"
like $T/out '^  FAIL +DOMU-RESULT: FAIL' "domu: the harness verdict"

run $S domu $L/domu.log
is $rc 0 "domu: a passing guest"
like $T/out '^  answered +help [0-9.]+ s, sites [0-9.]+ s \(244 of 244 sites hold their plan\), xs read domid [0-9.]+ s$' \
	"domu: the commands it answered, with times"
like $T/out '^  shut down +xl shutdown -> SHUTDOWN_poweroff in 0.3 s; xl list -v: shut down, reason 0 \(poweroff\)$' \
	"domu: shut down, as the guest and xl say"
like $T/out '^  checks +15 ok, 0 not ok \(case pv-boot:pv 49.8 s\); DOMU-RESULT: PASS$' "domu: the checks"
awk 'length > 100' $T/out >$T/long
is "$(lines $T/long)" 0 "domu: no line over 100 columns"
sed '/^domu: ok 3 /s/ok 3/not ok 3/' $L/domu.log >$T/domu.log
run $S domu $T/domu.log
is $rc 1 "domu: one check not ok fails the stage, whatever DOMU-RESULT says"

run $S demo $L/demo.log
is $rc 0 "demo: the summary finds everything"
like $T/out '^  full +inline 5  body 4  hypercall 0  direct 1  indirect 0  refused 0$' "demo: full mode split"
sed 's/full 0x[0-9a-f]*: identical/full 0x1: differ/' $L/demo.log >$T/demo.log
run $S demo $T/demo.log
is $rc 1 "demo: checksums that disagree fail the stage"

run $S bench-table /dev/null
is $rc 0 "bench: reads bench/results/*.json"
want=$(perl -MJSON::PP -e 'local $/; my $j = decode_json(<>);
	for (@{$j->{rows}}) { next unless $_->{kind} eq "hot_path" &&
		$_->{env} eq "xen-pv-dom0" && $_->{op} eq "irq_pair" &&
		$_->{variant} eq "full"; printf "%d x%.2f", $_->{instructions},
		$_->{instructions_ratio} }' bench/results/guest.json)
like $T/out "^    irq_pair .* $want\$" "bench: Xen full irq_pair row is guest.json's ($want)"

printf 'one\n\n\033[31mtwo\033[0m\r\n' >$T/new.log
run $S some-new-step $T/new.log
is $rc 0 "an unknown stage: its log's last lines"
is "$(cat $T/out)" "$(printf '  one\n  two')" "an unknown stage: blank lines and escapes out"

# run-stages with make replaced by fake-make over the canned logs.
mkdir -p $T/logs
cp $L/native.log $L/xen.log $L/demo.log $T/logs/
cp $L/domu-fail.log $T/logs/domu.log
# A Xen run that failed at once: its tail is SeaBIOS's escape codes.
head -n 8 $L/domu-fail.log >$T/logs/xen.log
: >$T/logs/build.log
stages="--build native xen domu demo bench-table"
MAKE=$PWD/$L/fake-make FAKE_LOGS=$T/logs FAKE_FAIL="xen domu" BUILD=$T/b \
	scripts/run-stages $stages >$T/out 2>$T/err
rc=$?
is $rc 1 "run-stages: a failing stage makes the run fail"
like $T/out '^domu +FAIL +[0-9.]+ s  '"$T"'/b/run/domu.log$' "run-stages: the table names the failure and its log"
like $T/out '^demo +PASS ' "run-stages: the stages after the failure still run"
is "$(sed -n '/^== DomU/,/^== /p' $T/out | grep -c '^  | ')" 20 \
	"run-stages: the failing stage's last 20 log lines"
like $T/out '^  rerun it alone: make run STAGES=domu' "run-stages: the command to rerun it"
like $T/out '^make run: 2 of 6 stages failed: xen domu$' "run-stages: the closing line"
like $T/out '^  \| SeaBIOS \(version' "run-stages: the Xen tail shown, SeaBIOS's banner in it"
is "$(grep -c "$(printf '\033')" $T/out)" 0 "run-stages: no escape character reaches the terminal"
is "$(grep -c '\[?7l\|\[2J' $T/out)" 0 "run-stages: nor what is left of an escape sequence"
cmp -s $T/logs/domu.log $T/b/run/domu.log
ok $? "run-stages: the raw console kept in build/run/domu.log"
cmp -s $T/out $T/b/run/summary.txt
ok $? "run-stages: what it prints is also in build/run/summary.txt"

# The same with every stage passing: the whole tour in one screen.
cp $L/domu.log $L/xen.log $T/logs/
MAKE=$PWD/$L/fake-make FAKE_LOGS=$T/logs FAKE_FAIL= BUILD=$T/b \
	scripts/run-stages $stages >$T/out 2>$T/err
is $? 0 "run-stages: all pass, exit 0"
c=$(lines $T/out)
[ "$c" -le 80 ]
ok $? "run-stages: $c lines for six stages (at most 80)"
like $T/out '^make run: all 6 stages passed' "run-stages: the closing line"
like $T/out '^  make all +up to date$' "run-stages: a build that wrote nothing is up to date"

printf 'deps: installing: libfoo-dev\nrun-stages: 5 files written under build/\n' >$T/build.log
run $S build $T/build.log
like $T/out '^  make all +5 files written, 1 line of output, the last steps:$' "build: files written, output"
like $T/out '^ +deps: installing: libfoo-dev$' "build: the project's own progress lines"

run scripts/run-stages
is $rc 2 "run-stages: no stage is a usage error"
run $S native
is $rc 2 "run-summary: no log is a usage error"
run $S native $T/nonexistent.log
is $rc 1 "run-summary: a missing log is an error"
like $T/err "^run-summary: .*nonexistent.log: no such log$" "run-summary: one line says so"
done_testing
