#!/usr/bin/perl
# cpu-qemu64.t: boots on -cpu qemu64: the same image, patched for what this CPU
# model has, passes every selftest.
use strict;
use warnings;
use FindBin;
use lib $FindBin::Bin;
use BootTest;
use Test::More;

my $r = boot(qemu => [qw(-cpu qemu64)], cmdline => ['selftest']);
check_pass($r, 1);
is($r->{summary}{indirect}, 0, 'no site left indirect');
ok(grep({ $_->{name} =~ /:tsc$/ && $_->{skip} } @{ $r->{ktap} }),
   'qemu64 has no rdtscp: read_tscp part skipped');
done_testing();
