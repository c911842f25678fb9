#!/usr/bin/perl
# noinline.t: pv.noinline turns every site into a direct call, nothing
# inline and nothing left indirect.
use strict;
use warnings;
use FindBin;
use lib $FindBin::Bin;
use BootTest;
use Test::More;

my $r = boot(cmdline => [qw(pv.noinline selftest)]);
check_pass($r, 1);
my $s = $r->{summary};
is($s->{direct}, $s->{sites}, 'all sites direct calls');
is($s->{inline} + $s->{hypercall} + $s->{indirect} + $s->{refused}, 0,
   'none inline, hypercall, indirect or refused');
my @k = @{ $r->{ktap} };
cmp_ok(scalar(grep { $_->{name} =~ /^noinline:/ } @k), '>', 20,
       'noinline mode tests ran');
ok(!grep({ $_->{name} =~ /^full:/ } @k), 'full mode not run');
done_testing();
