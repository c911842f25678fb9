#!/usr/bin/perl
# bench.t: the bench flag measures a few hot ops in each patch mode and
# leaves the text as it booted (timings are printed, never asserted;
# the selftests that follow check the text).
use strict;
use warnings;
use FindBin;
use lib $FindBin::Bin;
use BootTest;
use Test::More;

my $r = boot(cmdline => [qw(bench selftest)]);
check_pass($r, 1);
my @b = grep { /^bench: \S+ +\d+ +\d+ +\d+$/ } @{ $r->{lines} };
cmp_ok(scalar(@b), '>=', 4, 'a line per op, three modes each');
like($r->{out}, qr/^bench: irq_save\+restore +\d+/m, 'irq pair measured');
ok(grep({ $_->{name} eq 'patch:text_hash_roundtrip' && !$_->{skip} }
	@{ $r->{ktap} }), 'bench ran first and left the boot-time text');
done_testing();
