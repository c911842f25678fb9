#!/usr/bin/perl
# cpu-max.t: boots on -cpu max: the same image, patched for what this CPU
# model has, passes every selftest.
use strict;
use warnings;
use FindBin;
use lib $FindBin::Bin;
use BootTest;
use Test::More;

my $r = boot(qemu => [qw(-cpu max)], cmdline => ['selftest']);
check_pass($r, 1);
is($r->{summary}{indirect}, 0, 'no site left indirect');
ok(!grep({ $_->{name} =~ /:tsc$/ && $_->{skip} } @{ $r->{ktap} }),
   'max has rdtscp: read_tscp tested in every mode');
is($r->{summary}{cpu_features}, 'rdtscp', 'the patcher saw rdtscp');
my $kernel = BootTest::build_dir() . '/kernel/kernel.elf';
my $pvpatch = BootTest::build_dir() . '/tools/pvpatch';
my $h = `$pvpatch --text-hash --backend native --cpu-features rdtscp $kernel`;
chomp($h);
is($r->{summary}{text_hash}, $h,
   'text hash equals pvpatch --cpu-features rdtscp');
done_testing();
