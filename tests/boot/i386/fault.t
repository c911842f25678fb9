#!/usr/bin/perl
# fault.t: on i386 too an unexpected exception ends the run with a report
# (vector, error code, EIP as function+offset, CR2, registers) and FAIL.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../native";
use BootTest;
use Test::More;

my $kernel = BootTest::build_dir() . '/i386/kernel/kernel.elf';
my $r = boot(kernel => $kernel, cmdline => ['fault']);
is($r->{status}, 1, 'run-qemu exits 1');
my @l = @{ $r->{lines} };
is($l[-1], 'RESULT: FAIL', 'last line: RESULT: FAIL');
like($l[-2], qr/^pv-summary: /, 'pv-summary just before it');
like($r->{out}, qr/^trap: #PF page fault \(vector 14\), error code 0x0$/m,
     'vector and error code');
like($r->{out}, qr/^trap: rip 00000000c0[0-9a-f]{6} fault_selfcheck\+0x[0-9a-f]+ /m,
     'EIP (at 3 GiB) as function+offset');
like($r->{out}, qr/^trap: cr2 0000000000000010 \(not present, read, data\)$/m,
     'CR2 and the cause');
like($r->{out}, qr/^trap: eax [0-9a-f]{8}  ebx /m, 'i386 registers');
done_testing();
