# guest.gp: bench/guest's plot: instructions per iteration of each hot
# path, natively per build and patch mode, and on Xen PV when xen is 1.
set terminal svg size (xen ? 1100 : 600),480 dynamic noenhanced \
	font 'sans,11' background rgb 'white'
set output out
set datafile missing '?'
if (xen) set multiplot layout 1,2

set title 'Native (QEMU TCG): instructions per iteration'
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set yrange [0:*]
set ylabel 'instructions per iteration'
set xtics nomirror norotate font ',9'
set key top left font ',9'
set grid ytics
plot dat using 2:xtic(1) title 'PV=n', '' using 3 title 'nopatch', \
	'' using 4 title 'noinline', '' using 5 title 'full'

if (xen) {
	set title 'Xen PV Dom0: guest instructions per iteration (log)'
	set logscale y
	set yrange [1:*]
	set ylabel 'instructions per iteration (log)'
	plot dat using 2:xtic(1) title 'native PV=n', \
		'' using 6 title 'nopatch', '' using 7 title 'noinline', \
		'' using 8 title 'full'
	unset multiplot
}
