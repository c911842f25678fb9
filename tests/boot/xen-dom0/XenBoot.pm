# XenBoot.pm: what the Xen Dom0 boot tests share: boot the kernel as Dom0
# through scripts/run-xen, split the console into KTAP, pv-summary, RESULT.
package XenBoot;

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

our @EXPORT = qw(boot check_pass build_dir need_tools);

sub top {
	my $dir = "$FindBin::Bin/../../..";
	return Cwd::abs_path($dir) // $dir;
}

sub build_dir { return $ENV{BUILD} // top() . '/build' }

# Fails the test file, naming the install command, when the host lacks
# what runs Xen in QEMU (scripts/fetch-xen downloads Xen itself).
sub need_tools {
	need(qw(qemu-system-x86_64 apt-get dpkg-deb gunzip));
}

# boot(kernel => FILE, dom0_mem => MB, cmdline => [WORDS], pvh => 1,
# expect => LINE, xen_args => [ARGS], qemu => [ARGS], timeout => S): one
# Dom0 run (pvh: as a PVH Dom0, run-xen --pvh; expect: run-xen passes on
# that line instead of RESULT: PASS; xen_args to Xen's command line, qemu
# to QEMU's; timeout: run-xen's limit, default its own).
# Returns { status, out, lines, seconds, summary, result, ktap, plan, pvh }.
sub boot {
	my (%o) = @_;
	my $kernel = $o{kernel} // build_dir() . '/kernel/kernel.elf';
	my @cmd = (top() . '/scripts/run-xen', '--kernel', $kernel);
	push @cmd, '--dom0-mem', $o{dom0_mem} if $o{dom0_mem};
	push @cmd, '--pvh' if $o{pvh};
	push @cmd, '--expect', $o{expect} if $o{expect};
	push @cmd, '--timeout', $o{timeout} if $o{timeout};
	push @cmd, map { ('--xen-arg', $_) } @{ $o{xen_args} // [] };
	push @cmd, map { ('--qemu-arg', $_) } @{ $o{qemu} // [] };
	push @cmd, '--', @{ $o{cmdline} // [] };
	BAIL_OUT("no kernel at $kernel: run make first") unless -f $kernel;
	my $t0 = time;
	open(my $fh, '-|', @cmd) or BAIL_OUT("cannot run @cmd: $!");
	local $/;
	my $out = <$fh> // '';
	close($fh);
	my $r = { status => $? >> 8, out => $out, seconds => time - $t0,
		  pvh => $o{pvh} };
	parse($r);
	diag(sprintf('boot: %.1fs, exit %d, dom0_mem %s, %s %s', $r->{seconds},
		     $r->{status}, $o{dom0_mem} // 'default',
		     join(' ', @{ $o{xen_args} // [] }),
		     join(' ', @{ $o{cmdline} // [] })));
	return $r;
}

# Our lines, without Xen's own "(XEN) ..." console lines.
sub parse {
	my ($r) = @_;
	parse_console($r, qr/^\(XEN\)/);
}

# The checks every passing Dom0 run meets; sel: selftests were asked for.
sub check_pass {
	my ($r, $sel) = @_;
	my @l = @{ $r->{lines} };
	my $s = $r->{summary} // {};
	my ($sum) = grep { $l[$_] =~ /^pv-summary: / } 0 .. $#l;

	is($r->{status}, 0, 'run-xen exits 0') or diag(tail($r));
	ok(defined $sum && ($l[$sum + 1] // '') eq 'RESULT: PASS',
	   'pv-summary, then RESULT: PASS');
	is(scalar(grep { /^RESULT: / } @l), 1, 'exactly one RESULT line');
	like($r->{out}, qr/^\(XEN\) Hardware Dom0 shutdown: rebooting/m,
	     'Dom0 ended the run with SHUTDOWN_reboot');
	my $pf = $r->{pvh} ? 'xen-pvh-dom0' : 'xen-pv-dom0';
	is($s->{platform}, $pf, "platform $pf");
	like($s->{text_hash} // '', qr/^[0-9a-f]{16}$/, 'text_hash: 16 hex');
	is($s->{sites}, $s->{inline} + $s->{hypercall} + $s->{direct} +
		$s->{indirect}, 'strategies add up to the sites');
	is($s->{refused}, 0, 'no site refused');
	is($s->{selftests_fail}, 0, 'no selftest failed');
	return unless $sel;
	my @k = @{ $r->{ktap} };
	is(scalar(@k), $r->{plan} // -1, 'as many results as planned');
	my @bad = grep { !$_->{ok} } @k;
	is(scalar(@bad), 0, 'every selftest ok')
		or diag(join("\n", map { "not ok $_->{n} $_->{name}" } @bad));
	console_lines($r);
	kernel_skips($r);
	# W^X on Xen too: text read-only, written through the poker's alias
	# (Xen PV: mapped by mmu_update, kernel/xen/wx.c; PVH: native PTEs)
	my %modes = map { /^(nopatch|noinline|full):/ ? ($1 => 1) : () }
		    map { $_->{name} } @k;
	my @wx = grep { $_->{name} =~ /:wx_(?:text_write|data_exec)$/ &&
			$_->{ok} && !$_->{skip} } @k;
	is(scalar(@wx), 2 * keys(%modes),
	   'W^X: a write to text and a jump into data fault, in every mode');
	like($r->{out}, qr/^# wx: write to text faulted at t_wx_text_write\+0x0 /m,
	     'W^X: the write to text is reported as func+off');
	my $own = $r->{pvh} ? 'pvh' : 'xen';
	my @xen = grep { $_->{name} =~ /:${own}_/ && !$_->{skip} } @k;
	cmp_ok(scalar(@xen), '>', 0, "the platform's selftests ($own) ran");
}

sub tail {
	my ($r) = @_;
	my @l = split /\n/, $r->{out} =~ s/\r//gr;
	return join("\n", @l[ ($#l > 40 ? $#l - 40 : 0) .. $#l ]);
}

1;
