#!/usr/bin/perl
# mem-256m.t: Dom0 with dom0_mem=256M: the p2m, the -2 GiB window and the
# direct map scale with it, and the selftests pass.
use strict;
use warnings;
use FindBin;
use lib $FindBin::Bin;
use XenBoot;
use Test::More;

need_tools();
my $r = boot(dom0_mem => 256, cmdline => ['selftest']);
check_pass($r, 1);
my ($pages) = $r->{out} =~ /^xen: .*, dom0, (\d+) pages/m;
is($pages, 256 * 256, 'nr_pages is dom0_mem');
my ($mib) = $r->{out} =~ /^mm: (\d+) MiB usable/m;
ok(defined $mib && $mib > 256 - 8 && $mib < 256, "about 256 MiB usable")
	or diag("mm line: " . ($mib // 'missing'));
done_testing();
