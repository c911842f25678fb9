#!/bin/sh
# selfcheck.t: the benchmark harness measures what it claims: every dispatch
# variant of every op computes the same result, and libpv patched the bench's
# sites with the strategy each variant stands for.  No timing is asserted.
out=$(build/bench/bench_ops --selfcheck 2>&1)
rc=$?
echo "1..2"
if [ $rc -eq 0 ]; then
	echo "ok 1 - bench_ops --selfcheck exits 0"
else
	echo "not ok 1 - bench_ops --selfcheck exits $rc"
	echo "$out" | sed 's/^/# /'
fi
if echo "$out" | grep -q "FAIL"; then
	echo "not ok 2 - a variant or strategy check failed"
	echo "$out" | grep FAIL | sed 's/^/# /'
else
	echo "ok 2 - $(echo "$out" | tail -n 1)"
fi
