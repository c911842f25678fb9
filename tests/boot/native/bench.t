#!/usr/bin/perl
# bench.t: the bench flag's lines are there and well formed, every count is
# positive and patching never adds instructions (a behaviour, not a timing).
use strict;
use warnings;
use FindBin;
use lib $FindBin::Bin;
use BootTest;
use JSON::PP;
use Test::More;

my @PATHS = qw(loop irq_crit irq_pair pte_flush sched_clock cr3_switch);

# Every "bench-KIND: {json}" line of a run, decoded; undef if one is bad.
sub lines {
	my ($r, $kind) = @_;
	my @out;

	for (grep { /^bench-\Q$kind\E: / } @{ $r->{lines} }) {
		my ($j) = /^bench-\S+ (\{.*\})$/;
		my $v = defined $j ? eval { decode_json($j) } : undef;
		return undef unless ref $v eq 'HASH';
		push @out, $v;
	}
	return \@out;
}

# The hot-path lines of one run: path => mode => insn_per_iter.
sub check_paths {
	my ($r, $build, @modes) = @_;
	my $l = lines($r, 'insn');
	my %got;

	ok($l && @$l, "$build: bench-insn lines, all JSON") or return {};
	for my $x (@$l) {
		ok($x->{build} eq $build && $x->{insn_per_iter} > 0 &&
		   $x->{iters} > 0 && $x->{mean} >= $x->{insn_per_iter},
		   "$build $x->{path} $x->{mode}: $x->{insn_per_iter} per "
		   . 'iteration, positive, mean not below it');
		$got{ $x->{path} }{ $x->{mode} } = $x->{insn_per_iter};
	}
	for my $p (@PATHS) {
		is(scalar(grep { defined $got{$p}{$_} } @modes), scalar(@modes),
		   "$build: $p in modes @modes");
	}
	return \%got;
}

sub check_method {
	my ($r, $build) = @_;
	my $l = lines($r, 'check') // [];

	ok(@$l >= 2, "$build: method checks printed");
	is($_->{counted}, $_->{insns},
	   "$build: known sequence $_->{seq} counted exactly") for @$l;
	ok(grep({ /^bench-done: / } @{ $r->{lines} }), "$build: bench-done");
}

# The patch cost: the counted pass covers the whole table and writes what
# the boot pass wrote.
sub check_patch {
	my ($r) = @_;
	my $l = lines($r, 'patch') // [];
	my ($b) = grep { $_->{what} eq 'boot_pass' && $_->{to} eq 'full' } @$l;

	ok($b, 'patch cost: the boot pass to full was counted') or return;
	is($b->{sites}, $r->{summary}{sites}, 'patch cost: every site');
	ok($b->{insn_per_site} > 0 && !$b->{refused} && !$b->{err},
	   "patch cost: $b->{insn_per_site} per site, none refused");
	ok($b->{text_matches_boot}, 'patch cost: the counted pass wrote the '
	   . 'boot text');
	ok(!grep({ $_->{err} } @$l), 'patch cost: no pass failed');
}

# tests/boot/i386/bench.t runs this file on the i386 kernels.
my $kdir = BootTest::build_dir() . ($ENV{BENCH_T_ARCH} ? "/$ENV{BENCH_T_ARCH}" : '');
my $r = boot(kernel => "$kdir/kernel/kernel.elf", cmdline => [qw(bench selftest)]);
check_pass($r, 1);
my $g = check_paths($r, 'pv', qw(full noinline nopatch));
check_method($r, 'pv');
for my $p (@PATHS) {
	my $m = $g->{$p} // {};
	cmp_ok($m->{full} // 1e9, '<=', $m->{nopatch} // -1,
	       "$p: fully patched runs no more instructions than nopatch");
}
check_patch($r);
ok(grep({ $_->{name} eq 'patch:text_hash_roundtrip' && !$_->{skip} }
	@{ $r->{ktap} }), 'bench ran first and left the boot-time text');

my $n = boot(kernel => "$kdir/kernel-nopv/kernel.elf", cmdline => ['bench']);
check_pass($n, 0);
my $gn = check_paths($n, 'pv_n', 'pv_n');
check_method($n, 'pv_n');
is($gn->{loop}{pv_n}, $g->{loop}{full}, 'the empty loop: the same count '
   . 'in both builds');
done_testing();
