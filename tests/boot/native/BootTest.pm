# BootTest.pm: what the native boot tests share: boot a kernel through
# scripts/run-qemu, split its console into KTAP results, pv-summary, RESULT.
package BootTest;

use strict;
use warnings;
use Exporter 'import';
use Cwd ();
use FindBin;
use JSON::PP;
use Test::More;
use lib "$FindBin::Bin/../../lib";
use PvConsole;
use PvNeed;
use Time::HiRes qw(time);

our @EXPORT = qw(boot check_pass top);

# The repository root: tests run from it under make check, or from anywhere.
sub top {
	my $dir = "$FindBin::Bin/../../..";
	return Cwd::abs_path($dir) // $dir;
}

sub build_dir { return $ENV{BUILD} // top() . '/build' }

# boot(kernel => FILE, qemu => [ARGS], cmdline => [WORDS], timeout => S):
# runs the kernel once (run-qemu's limit: S seconds, default its own).  Returns { status, out, lines, seconds, summary, result, ktap }.
sub boot {
	my (%o) = @_;
	my $kernel = $o{kernel} // build_dir() . '/kernel/kernel.elf';
	my @cmd = (top() . '/scripts/run-qemu', '--kernel', $kernel);
	push @cmd, '--timeout', $o{timeout} if $o{timeout};
	push @cmd, map { ('--qemu-arg', $_) } @{ $o{qemu} // [] };
	push @cmd, '--', @{ $o{cmdline} // [] };
	need('qemu-system-x86_64');
	BAIL_OUT("no kernel at $kernel: run make first") unless -f $kernel;
	my $t0 = time;
	open(my $fh, '-|', @cmd) or BAIL_OUT("cannot run @cmd: $!");
	local $/;
	my $out = <$fh> // '';
	close($fh);
	my $r = { status => $? >> 8, out => $out, seconds => time - $t0 };
	parse($r);
	diag("boot: $r->{seconds}s, exit $r->{status}, @{ $o{cmdline} // [] }");
	return $r;
}

sub parse {
	my ($r) = @_;
	parse_console($r);
}

# The checks every passing run must meet; sel: selftests were asked for.
sub check_pass {
	my ($r, $sel) = @_;
	my @l = @{ $r->{lines} };
	my $s = $r->{summary} // {};

	is($r->{status}, 0, 'run-qemu exits 0') or diag(tail($r));
	like($l[-2] // '', qr/^pv-summary: \{/,
	     'next to last line: pv-summary');
	is($l[-1] // '', 'RESULT: PASS', 'last line: RESULT: PASS');
	is(scalar(grep { /^RESULT: / } @l), 1, 'exactly one RESULT line');
	ok($r->{summary}, 'pv-summary is JSON');
	is($s->{platform}, 'native', 'platform native');
	like($s->{text_hash} // '', qr/^[0-9a-f]{16}$/, 'text_hash: 16 hex');
	is($s->{sites}, $s->{inline} + $s->{hypercall} + $s->{direct} +
		$s->{indirect}, 'strategies add up to the sites');
	is($s->{selftests_fail}, 0, 'no selftest failed');
	return unless $sel;
	my @k = @{ $r->{ktap} };
	ok(grep({ /^KTAP version 1$/ } @l), 'KTAP header');
	is(scalar(@k), $r->{plan} // -1, 'as many results as planned');
	is_deeply([ map { $_->{n} } @k ], [ 1 .. @k ], 'results numbered 1..N');
	my @bad = grep { !$_->{ok} } @k;
	is(scalar(@bad), 0, 'every selftest ok')
		or diag(join("\n", map { "not ok $_->{n} $_->{name}" } @bad));
	console_lines($r);
	kernel_skips($r);
	is($s->{selftests_pass}, scalar(grep { $_->{ok} && !$_->{skip} } @k),
	   'selftests_pass counts the non-skipped oks');
}

sub tail {
	my ($r) = @_;
	my @l = @{ $r->{lines} };
	return join("\n", @l[ ($#l > 30 ? $#l - 30 : 0) .. $#l ]);
}

1;
