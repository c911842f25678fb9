#!/usr/bin/perl
# noinline.t: pv.noinline as Dom0: every site a direct call into the Xen
# backend (irq ops into irq.S), none inline, none indirect.
use strict;
use warnings;
use FindBin;
use lib $FindBin::Bin;
use XenBoot;
use Test::More;

need_tools();
my $r = boot(cmdline => [qw(pv.noinline selftest)]);
check_pass($r, 1);
my $s = $r->{summary};
is($s->{direct}, $s->{sites}, 'all sites direct calls');
is($s->{inline} + $s->{indirect} + $s->{hypercall}, 0,
   'none inline, indirect or hypercall');
ok(!grep({ $_->{name} =~ /^full:/ } @{ $r->{ktap} }), 'full mode not run');
done_testing();
