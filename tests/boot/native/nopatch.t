#!/usr/bin/perl
# nopatch.t: pv.nopatch leaves every site as the indirect call it was built
# as; the op tests pass that way, and only that mode runs.
use strict;
use warnings;
use FindBin;
use lib $FindBin::Bin;
use BootTest;
use Test::More;

my $r = boot(cmdline => [qw(pv.nopatch selftest)]);
check_pass($r, 1);
my $s = $r->{summary};
cmp_ok($s->{sites}, '>', 0, 'sites counted');
is($s->{indirect}, $s->{sites}, 'all sites indirect');
is($s->{inline} + $s->{direct} + $s->{refused}, 0,
   'none inline, direct or refused');
my @k = @{ $r->{ktap} };
cmp_ok(scalar(grep { $_->{name} =~ /^nopatch:/ } @k), '>', 20,
       'nopatch mode tests ran');
ok(!grep({ $_->{name} =~ /^(noinline|full):/ } @k),
   'more patched modes not run');
done_testing();
