#!/usr/bin/perl
# bench.t: the in-guest bench on the i386 kernels, with the checks of
# tests/boot/native/bench.t (well-formed lines, exact known sequences,
# patching never adds instructions, the patch-cost pass covers the table).
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../native";

$ENV{BENCH_T_ARCH} = 'i386';
my $t = "$FindBin::Bin/../native/bench.t";
do $t or die "$t: " . ($@ || $! || 'failed');
