#!/usr/bin/perl
# nopatch.t: pv.nopatch as Dom0: every site stays the indirect call through
# pv_ops (filled with the Xen backend), and the op tests pass that way.
use strict;
use warnings;
use FindBin;
use lib $FindBin::Bin;
use XenBoot;
use Test::More;

need_tools();
my $r = boot(cmdline => [qw(pv.nopatch selftest)]);
check_pass($r, 1);
my $s = $r->{summary};
is($s->{indirect}, $s->{sites}, 'all sites indirect');
is($s->{inline} + $s->{direct} + $s->{hypercall}, 0,
   'none inline, direct or hypercall');
ok(!grep({ $_->{name} =~ /^(noinline|full):/ } @{ $r->{ktap} }),
   'more patched modes not run');
done_testing();
