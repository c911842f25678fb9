# PvConsole.pm: reads a kernel console log the way every boot test does:
# its lines, the KTAP results, the pv-summary JSON and the RESULT line.
package PvConsole;

use strict;
use warnings;
use Exporter 'import';
use JSON::PP;
use Test::More;

our @EXPORT = qw(parse_console kernel_skips console_lines);

# parse_console($r, $drop): fills $r->{lines, summary, result, plan, ktap}
# from $r->{out}; lines matching the regex $drop (e.g. Xen's own) are left
# out.
sub parse_console {
	my ($r, $drop) = @_;
	my @lines = grep { length && !(defined $drop && /$drop/) }
		    map { s/\r//gr } split /\n/, $r->{out};
	my @ktap;

	$r->{lines} = \@lines;
	for (@lines) {
		if (/^pv-summary: (\{.*\})$/) {
			$r->{summary} = eval { decode_json($1) };
		} elsif (/^RESULT: (\w+)$/) {
			$r->{result} = $1;
		} elsif (/^1\.\.(\d+)$/) {
			$r->{plan} = $1;
		} elsif (/^(not ok|ok) (\d+) (\S+)(?: # (SKIP)\b(.*))?$/) {
			push @ktap, { ok => $1 eq 'ok', n => $2, name => $3,
				      skip => !!$4, why => $5 // '' };
		}
	}
	$r->{ktap} = \@ktap;
}

# A selftest the kernel skipped is a skip here too, so that prove (and the
# closing line of make check) counts it.
sub kernel_skips {
	my ($r) = @_;
	for my $k (grep { $_->{skip} } @{ $r->{ktap} }) {
		SKIP: { skip("kernel selftest $k->{name}:$k->{why}", 1) }
	}
}

# The console_write selftest's line, once per mode it ran in, reached us.
sub console_lines {
	my ($r) = @_;
	my @modes = map { /^(\w+):console_write$/ ? $1 : () }
		    map { $_->{name} } @{ $r->{ktap} };
	my @l = @{ $r->{lines} };
	ok(@modes && !grep({ my $m = $_;
			     1 != grep { $_ eq "# console_write: $m" } @l }
			   @modes),
	   'console_write line on the console once per mode: ' .
		   join(' ', @modes));
}


1;
