#!/usr/bin/perl
# default.t: the default boot with selftests: every site patched (none left
# indirect, none refused), the hot path inline, all selftests pass, fast.
use strict;
use warnings;
use FindBin;
use lib $FindBin::Bin;
use BootTest;
use Test::More;

my $r = boot(cmdline => ['selftest']);
check_pass($r, 1);
my $s = $r->{summary};
cmp_ok($s->{sites}, '>', 100, 'the kernel has its sites');
is($s->{indirect}, 0, 'no site left indirect');
is($s->{refused}, 0, 'no site refused');
is($s->{hypercall}, 0, 'no hypercalls natively');
cmp_ok($s->{inline}, '>', $s->{direct}, 'most sites inline');
like($r->{out}, qr/^pv: hot-path sites .*inline \d+ \((9\d|100)%\)$/m,
     'report: at least 90% of hot-path sites inline');
like($r->{out}, qr/^pv:   irq_disable +\d+ +0 +0 +0 +0$/m,
     'report: irq_disable sites all inline');
for my $mode (qw(nopatch noinline full)) {
	my @m = grep { $_->{name} =~ /^$mode:/ } @{ $r->{ktap} };
	cmp_ok(scalar(@m), '>', 20, "op tests ran in mode $mode");
}
cmp_ok(scalar(grep { $_->{name} =~ /^patch:/ && !$_->{skip} }
	     @{ $r->{ktap} }), '>=', 4, 'patcher tests ran');
cmp_ok($r->{seconds}, '<', 20, 'a selftest boot takes seconds');
done_testing();
