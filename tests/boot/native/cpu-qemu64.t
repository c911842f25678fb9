#!/usr/bin/perl
# cpu-qemu64.t: boots on -cpu qemu64: the same image, patched for what this CPU
# model has, passes every selftest.
use strict;
use warnings;
use FindBin;
use lib $FindBin::Bin;
use BootTest;
use Test::More;

my $r = boot(qemu => [qw(-cpu qemu64)], cmdline => ['selftest', 'pv.debug']);
check_pass($r, 1);
is($r->{summary}{indirect}, 0, 'no site left indirect');
is($r->{summary}{cpu_features}, 'none', 'the patcher saw no rdtscp');
ok(grep({ $_->{name} =~ /:tsc$/ && !$_->{skip} } @{ $r->{ktap} }),
   'read_tscp tested in every mode, through the fallback');
# every read_tscp site: the template stays out, with the reason recorded
my @tscp = $r->{out} =~ /^pv: \S+ \S+\s+read_tscp\s+(\S+)\s+([^\[]*?)\s*\[/mg;
ok(@tscp >= 2, 'read_tscp sites in the pv.debug log: ' . @tscp / 2);
my @bad;
for (my $i = 0; $i < @tscp; $i += 2) {
	push @bad, "@tscp[$i, $i + 1]"
	    unless $tscp[$i] eq 'direct' &&
		   $tscp[$i + 1] eq 'needs a CPU feature this CPU lacks';
}
is("@bad", '', 'each is a direct call: needs a CPU feature this CPU lacks');
done_testing();
